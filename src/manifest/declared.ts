/** A manifest document as the semantic checks see it: its data, whether it passed the schema, and how to place a problem in its file. */
import type { Problem } from '../errors.js';
import type { Manifest } from './types.js';
import type { Companion } from '../companions/types.js';
import type { Anchor } from './yaml-positions.js';

export interface Declared {
  data: unknown;
  /** Whether the document passed the schema. */
  valid: boolean;
  /** The index master it declares (valid documents of kind IndexMaster). */
  manifest: Manifest | null;
  /** The companion object it declares (valid documents of a companion kind). */
  companion?: Companion | null;
  problemAt(path: (string | number)[], message: string, at?: Anchor): Problem;
  where: { file: string; line: number; col: number };
}
