/**
 * Checks a JSON Schema cannot make: master names, fields that must exist in the
 * mappings, names that must be unique or must refer to another manifest.
 * They run on every document, valid or not, as far as its shape allows, so that
 * all problems are reported at once.
 */
import type { Problem } from '../errors.js';
import { canonicalMappings } from '../fingerprint/index.js';
import { isRecord } from '../fingerprint/canonical-value.js';
import { dependencyProblems } from './dependencies.js';
import { visible } from '../visible.js';
import { masterNameProblem } from './master-name.js';
import { sameSettingProblems } from './settings-keys.js';
import { analysisProblems } from './analysis-refs.js';
import type { Declared } from './declared.js';
import type { Manifest } from './types.js';
import { companionProblems } from '../companions/validate.js';
import { isCompanionKind } from '../companions/types.js';

type Rec = Record<string, unknown>;

/** `prefix`: the environment prefix, when known (it counts towards a name's length). */
export function semanticProblems(all: Declared[], prefix = ''): Problem[] {
  const problems: Problem[] = [];
  const firstByName = new Map<string, Declared>();
  // Documents of a companion kind have checks of their own (companions/validate.ts).
  const declared = all.filter((d) => !isCompanionKind(get(d.data, 'kind')));

  for (const d of declared) {
    const name = get(d.data, 'metadata', 'name');
    if (typeof name === 'string' && name !== '') {
      const why = masterNameProblem(name, prefix);
      if (why) problems.push(d.problemAt(['metadata', 'name'], `metadata.name "${visible(name)}" ${why}`));
      const first = firstByName.get(name);
      if (first) {
        const at = first.problemAt(['metadata', 'name'], '');
        problems.push(d.problemAt(['metadata', 'name'], `duplicate master name "${visible(name)}": already declared at ${at.file}:${at.line}:${at.col}`));
      } else {
        firstByName.set(name, d);
      }
    }
    problems.push(...fieldProblems(d));
  }

  for (const d of declared) {
    const from = get(d.data, 'spec', 'source', 'from');
    if (get(d.data, 'spec', 'source', 'type') === 'reindex' && typeof from === 'string' && from !== 'active' && !firstByName.has(from)) {
      problems.push(
        d.problemAt(['spec', 'source', 'from'], `spec.source.from "${from}" is neither "active" nor a master declared in the manifests`),
      );
    }
  }
  problems.push(...dependencyProblems(declared));
  problems.push(...companionProblems(all, prefix));
  return problems;
}

function fieldProblems(d: Declared): Problem[] {
  const out: Problem[] = [];
  const spec = get(d.data, 'spec');
  if (!isRecord(spec)) return out;
  if (isRecord(spec['settings'])) out.push(...sameSettingProblems(spec['settings'], d.problemAt));
  out.push(...analysisProblems(spec, d.problemAt));

  const idField = spec['idField'];
  const updatedField = spec['updatedField'];
  const named = (f: unknown): f is string => typeof f === 'string' && f !== '';
  // Canonical mappings only when a field is looked up in them (on a 4 MB mapping they cost a quarter of a second).
  const mappings = (named(idField) || named(updatedField)) && isRecord(spec['mappings']) ? canonicalMappings(spec['mappings']) : null;
  if (named(idField) && mappings) {
    const field = fieldAt(mappings, idField);
    if (!field) {
      out.push(d.problemAt(['spec', 'idField'], `spec.idField "${idField}" is not a field of spec.mappings`));
    } else if (field.type === 'object' || field.type === 'nested') {
      out.push(d.problemAt(['spec', 'idField'], `spec.idField "${idField}" is an ${field.type} field: the document _id needs a single value`));
    } else if (field.type === 'alias') {
      out.push(d.problemAt(['spec', 'idField'], `spec.idField "${idField}" is a field alias: name the field it points at`));
    }
  }

  if (named(updatedField) && mappings) {
    const field = fieldAt(mappings, updatedField);
    if (!field) {
      out.push(d.problemAt(['spec', 'updatedField'], `spec.updatedField "${updatedField}" is not a field of spec.mappings (it must be mapped as a date)`));
    } else if (field.type !== 'date' && field.type !== 'date_nanos') {
      out.push(
        d.problemAt(['spec', 'updatedField'], `spec.updatedField "${updatedField}" must be mapped as date or date_nanos (it is ${field.type})`),
      );
    }
  }

  const source = spec['source'];
  if (isRecord(source) && source['type'] === 'module' && typeof source['path'] === 'string' && !/\.(m|c)?js$/.test(source['path'])) {
    out.push(d.problemAt(['spec', 'source', 'path'], `spec.source.path "${source['path']}" must be a JavaScript module (.js or .mjs)`));
  }
  return out;
}

/**
 * The field at a dotted path (`director.name`) of canonical mappings, through
 * `properties` (dotted names are already expanded; a name kept dotted under
 * `subobjects: false` is found too). Multi-fields are not document fields.
 */
function fieldAt(mappings: Rec, path: string): { type: string } | null {
  let node: unknown = mappings;
  const parts = path.split('.');
  let i = 0;
  while (i < parts.length) {
    const props = isRecord(node) ? node['properties'] : undefined;
    if (!isRecord(props)) return null;
    let next: unknown;
    let used = 0;
    for (let j = parts.length; j > i; j--) {
      const key = parts.slice(i, j).join('.');
      if (key in props) {
        next = props[key];
        used = j - i;
        break;
      }
    }
    if (!used) return null;
    node = next;
    i += used;
  }
  if (!isRecord(node)) return null;
  return { type: typeof node['type'] === 'string' ? node['type'] : 'object' };
}

function get(v: unknown, ...path: string[]): unknown {
  for (const step of path) {
    if (!isRecord(v)) return undefined;
    v = v[step];
  }
  return v;
}
