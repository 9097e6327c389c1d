import { fingerprint } from '../fingerprint/index.js';
import type { Manifest } from './types.js';

/**
 * A manifest with its fingerprint: the one place `fingerprint(spec)` is computed for a
 * manifest. Computed when first read, once: `esm validate` never reads it, and on a
 * 4 MB mapping it costs a third of a second.
 */
export function withFingerprint(m: Omit<Manifest, 'fingerprint'>): Manifest {
  let fp: string | undefined;
  return Object.defineProperty({ ...m }, 'fingerprint', {
    enumerable: true,
    configurable: true,
    get: () => (fp ??= fingerprint(m.spec)),
    set: (v: string) => {
      fp = v;
    },
  }) as Manifest;
}
