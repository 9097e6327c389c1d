/**
 * Field types checked offline (SPEC §7), whenever manifests are read: a type no engine has
 * is a typo when it is close to one (`dubble`), a problem; one close to none may be a plugin's,
 * and the plan asks the engine. A type only some engines have names the engines that lack it
 * (`flattened`: Elasticsearch only; OpenSearch has `flat_object`): with the engine configured
 * (`engine:` / `--engine`) and lacking it, a problem; otherwise a warning (`esm validate`
 * shows it), and the plan asks the engine itself. Pure.
 */
import { fieldsOf } from '../field-paths.js';
import { ELASTICSEARCH_TYPES } from './elasticsearch.js';
import { OPENSEARCH_TYPES } from './opensearch.js';
import type { FieldTypeList } from './types.js';

export type { FieldTypeList } from './types.js';

export const FIELD_TYPE_LISTS: readonly FieldTypeList[] = [ELASTICSEARCH_TYPES, OPENSEARCH_TYPES];

/** Each engine's counterpart of a type it lacks, where there is one. */
const COUNTERPARTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  opensearch: { flattened: 'flat_object', dense_vector: 'knn_vector', sparse_vector: 'rank_features', semantic_text: 'semantic' },
  elasticsearch: { flat_object: 'flattened', knn_vector: 'dense_vector', semantic: 'semantic_text' },
};

function typesOf(list: FieldTypeList): Set<string> {
  return new Set([...list.server, ...Object.values(list.modules).flat(), ...Object.values(list.plugins).flat()]);
}

const KNOWN = new Map(FIELD_TYPE_LISTS.map((l) => [l, typesOf(l)] as const));

export interface TypeFinding {
  /** Path of the `type` value under the manifest's document root. */
  at: (string | number)[];
  /** Message for people, naming the field in full. */
  message: string;
  /** A problem (exit 3), or a warning. */
  severity: 'problem' | 'warning';
}

/** What is wrong with the field types of `mappings`, for an engine (`auto`: not known). */
export function fieldTypeFindings(mappings: Record<string, unknown>, engine: string): TypeFinding[] {
  const out: TypeFinding[] = [];
  for (const f of fieldsOf(mappings)) {
    const type = f.def['type'];
    if (typeof type !== 'string') continue;
    const at = ['spec', 'mappings', ...f.at, 'type'];
    const having = FIELD_TYPE_LISTS.filter((l) => KNOWN.get(l)!.has(type));
    if (having.length === FIELD_TYPE_LISTS.length) continue;
    if (having.length === 0) {
      // Close to a known type: a typo. Otherwise perhaps a plugin's type: the engine says at plan.
      const near = type.trim() === '' ? null : closest(type);
      if (type.trim() === '') out.push({ at, severity: 'problem', message: `field ${f.name}: the type is empty` });
      else if (near) out.push({ at, severity: 'problem', message: `field ${f.name}: type "${type}" is not a field type of ${labels(FIELD_TYPE_LISTS)} (did you mean "${near}"?)` });
      continue;
    }
    const lacking = FIELD_TYPE_LISTS.filter((l) => !having.includes(l));
    const instead = lacking.map((l) => (COUNTERPARTS[l.engine]?.[type] ? `${l.label} has "${COUNTERPARTS[l.engine]![type]}"` : null)).filter(Boolean);
    const hint = instead.length ? `; ${instead.join(', ')}` : '';
    const forEngine = lacking.find((l) => l.engine === engine);
    out.push(
      forEngine
        ? { at, severity: 'problem', message: `field ${f.name}: type "${type}" is not a field type of ${forEngine.label}, the configured engine (only ${labels(having)} has it${hint})` }
        : { at, severity: 'warning', message: `field ${f.name}: type "${type}" is a field type of ${labels(having)} only: ${labels(lacking)} lacks it${hint}` },
    );
  }
  return out;
}

function labels(lists: readonly FieldTypeList[]): string {
  return lists.map((l) => l.label).join(' or ');
}

/** The known type closest to `type` by edit distance, when it is close (a typo), else null. */
function closest(type: string): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const known of new Set(FIELD_TYPE_LISTS.flatMap((l) => [...KNOWN.get(l)!]))) {
    const d = distance(type, known);
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(1, Math.min(2, Math.floor(type.length / 3))) ? best : null;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}
