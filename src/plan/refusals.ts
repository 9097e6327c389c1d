/**
 * A spec the engine refuses (SPEC §7): the engine names a field by its last segment
 * (`declared on field [text]`, and ECS has 62 multi-fields called `text`); this finds
 * the field(s) of the manifest it means and names them in full (`process.io.text`). Pure.
 */
import type { Problem } from '../errors.js';
import { fieldsOf, type FieldAt } from '../manifest/field-paths.js';
import type { Manifest } from '../manifest/types.js';

/** One refusal of a master's spec: the engine's reason with full field names, and the fields it means. */
export interface Refusal {
  master: string;
  /** The engine's reason, the field it names written in full. */
  reason: string;
  /** The manifest's fields the reason is about (empty: it names none, or none could be told). */
  fields: FieldAt[];
}

/** The fields of the manifest's mappings an engine reason is about, and the reason with their full names. */
export function explainRefusal(manifest: Manifest, reason: string): Refusal {
  const fields = fieldsMeant(manifest.spec.mappings, reason);
  let text = reason;
  const leaf = namedField(reason);
  if (leaf !== null && fields.length > 0) {
    const full = fields.map((f) => f.name).join(', ');
    text = text.replace(`[${leaf}]`, `[${full}]`);
  }
  return { master: manifest.name, reason: text, fields };
}

/** What the plan says when it meets a refusal: one problem per refusal, at the master's document. */
export function refusalProblem(r: Refusal, origin: Manifest['origin']): Problem {
  const where = r.fields.length === 1 ? `field ${r.fields[0]!.name}` : r.fields.length > 1 ? `fields ${r.fields.map((f) => f.name).join(', ')}` : 'the spec';
  return { file: origin.file, line: origin.line, col: origin.col, message: `${r.master}: the cluster refuses ${where}: ${r.reason}` };
}

/** The field name an engine reason puts in brackets (`field [text]`, `mapper [text]`), if any. */
export function namedField(reason: string): string | null {
  return (/declared on field \[([^\]]+)\]/.exec(reason) ?? /on mapper \[([^\]]+)\]/.exec(reason) ?? /\bfield \[([^\]]+)\]/.exec(reason))?.[1] ?? null;
}

function fieldsMeant(mappings: Record<string, unknown>, reason: string): FieldAt[] {
  const all = fieldsOf(mappings);
  const analyzer = /analyzer \[([^\]]+)\] has not been configured/.exec(reason)?.[1];
  if (analyzer !== undefined) {
    return all.filter((f) => ['analyzer', 'search_analyzer', 'search_quote_analyzer'].some((k) => f.def[k] === analyzer));
  }
  const leaf = namedField(reason);
  if (leaf === null) return [];
  let candidates = all.filter((f) => f.name === leaf || f.name.endsWith(`.${leaf}`));
  const type = /type \[([^\]]+)\]/.exec(reason)?.[1];
  const param = /unknown parameter \[([^\]]+)\]/.exec(reason)?.[1];
  if (type !== undefined) {
    const typed = candidates.filter((f) => (typeof f.def['type'] === 'string' ? f.def['type'] : 'object') === type);
    if (typed.length > 0) candidates = typed;
  }
  if (param !== undefined) {
    const withParam = candidates.filter((f) => param in f.def);
    if (withParam.length > 0) candidates = withParam;
  }
  return candidates;
}
