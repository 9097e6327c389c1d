/**
 * The fields of a mappings object by their full names, as the engine names them in
 * queries: `process.io.text` for the multi-field `text` of `process.io`, never the
 * last segment alone. Pure: plain mappings in, plain descriptions out.
 */
import { isRecord } from '../fingerprint/canonical-value.js';

type Rec = Record<string, unknown>;

export interface FieldAt {
  /** The field's full name: object names and multi-field names joined by dots. */
  name: string;
  /** Its path under the mappings (`['properties', 'process', 'properties', 'io', 'fields', 'text']`). */
  at: string[];
  def: Rec;
  /** A multi-field (under another field's `fields`). */
  multi: boolean;
}

/** Every field of `mappings` (objects, leaves and multi-fields), depth first, in the order written. */
export function fieldsOf(mappings: Rec): FieldAt[] {
  const out: FieldAt[] = [];
  walk(mappings['properties'], '', ['properties'], out);
  return out;
}

function walk(props: unknown, parent: string, at: string[], out: FieldAt[]): void {
  if (!isRecord(props)) return;
  for (const [key, def] of Object.entries(props)) {
    if (!isRecord(def)) continue;
    const name = parent ? `${parent}.${key}` : key;
    const here = [...at, key];
    out.push({ name, at: here, def, multi: false });
    walk(def['properties'], name, [...here, 'properties'], out);
    if (isRecord(def['fields'])) {
      for (const [sub, subDef] of Object.entries(def['fields'])) {
        if (isRecord(subDef)) out.push({ name: `${name}.${sub}`, at: [...here, 'fields', sub], def: subDef, multi: true });
      }
    }
  }
}

/** Fields whose name ends with `leaf` (the engine's messages name a field by its last segment). */
export function fieldsNamed(mappings: Rec, leaf: string): FieldAt[] {
  return fieldsOf(mappings).filter((f) => f.name === leaf || f.name.endsWith(`.${leaf}`));
}
