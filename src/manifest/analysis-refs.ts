/**
 * Analyzers, tokenizers, token and char filters and normalizers named in the
 * mappings or the analysis settings must be defined in the manifest's
 * `spec.settings.analysis` or built in to the engine (SPEC §3);
 * otherwise `esm validate` reports them where they are named, instead of the
 * cluster refusing the index at create.
 */
import type { Problem } from '../errors.js';
import { isRecord } from '../fingerprint/canonical-value.js';
import { visible } from '../visible.js';
import { BUILTIN_ANALYZERS, BUILTIN_CHAR_FILTERS, BUILTIN_NORMALIZERS, BUILTIN_TOKENIZERS, BUILTIN_TOKEN_FILTERS } from './analysis-builtins.js';
import type { Anchor } from './yaml-positions.js';

type At = (path: (string | number)[], message: string, at?: Anchor) => Problem;
type Kind = 'analyzer' | 'tokenizer' | 'filter' | 'char_filter' | 'normalizer';
type Path = (string | number)[];

const BUILTIN: Record<Kind, Set<string>> = {
  analyzer: BUILTIN_ANALYZERS,
  tokenizer: BUILTIN_TOKENIZERS,
  filter: BUILTIN_TOKEN_FILTERS,
  char_filter: BUILTIN_CHAR_FILTERS,
  normalizer: BUILTIN_NORMALIZERS,
};
const WORDS: Record<Kind, string> = { analyzer: 'analyzer', tokenizer: 'tokenizer', filter: 'token filter', char_filter: 'char filter', normalizer: 'normalizer' };

/** Mapping parameters that name an analyzer or a normalizer. */
const MAPPING_REFS: Record<string, Kind> = { analyzer: 'analyzer', search_analyzer: 'analyzer', search_quote_analyzer: 'analyzer', normalizer: 'normalizer' };
const MAPPING_REF_ENTRIES = Object.entries(MAPPING_REFS);
const CHILD_KEYS = ['properties', 'fields'] as const;

interface Ref {
  kind: Kind;
  name: string;
  path: Path;
}

export function analysisProblems(spec: Record<string, unknown>, problemAt: At): Problem[] {
  const defined: Record<Kind, Set<string>> = { analyzer: new Set(), tokenizer: new Set(), filter: new Set(), char_filter: new Set(), normalizer: new Set() };
  const refs: Ref[] = [];
  if (isRecord(spec['settings'])) settingsRefs(spec['settings'], defined, refs);
  if (isRecord(spec['mappings'])) mappingRefs(spec['mappings'], { up: null, steps: ['spec', 'mappings'] }, refs);
  const out: Problem[] = [];
  for (const r of refs) {
    if (defined[r.kind].has(r.name) || BUILTIN[r.kind].has(r.name)) continue;
    const where = r.path.join('.');
    out.push(problemAt(r.path, `${where} names the ${WORDS[r.kind]} "${visible(r.name)}", which spec.settings.analysis.${r.kind} does not define and the engine does not have built in`));
  }
  return out;
}

/** Settings nested, dotted or mixed, with or without `index.`: definitions and the references inside them. */
function settingsRefs(settings: Record<string, unknown>, defined: Record<Kind, Set<string>>, refs: Ref[]): void {
  const walk = (value: unknown, key: string[], path: Path) => {
    if (isRecord(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, [...key, ...k.split('.')], [...path, k]);
      return;
    }
    const parts = key[0] === 'index' ? key.slice(1) : key;
    if (parts[0] !== 'analysis' || parts.length < 3) return;
    const section = parts[1] as Kind;
    if (!(section in BUILTIN)) return;
    defined[section].add(parts[2]!);
    const param = parts[3];
    if (parts.length !== 4 || (section !== 'analyzer' && section !== 'normalizer')) return;
    const kind: Kind | undefined = param === 'tokenizer' && section === 'analyzer' ? 'tokenizer' : param === 'filter' ? 'filter' : param === 'char_filter' ? 'char_filter' : undefined;
    if (!kind) return;
    if (typeof value === 'string') refs.push({ kind, name: value, path });
    else if (Array.isArray(value)) value.forEach((v, i) => typeof v === 'string' && refs.push({ kind, name: v, path: [...path, i] }));
  };
  walk(settings, [], ['spec', 'settings']);
}

/** A path built only for the fields that name an analysis component (a mapping may have 100,000 fields). */
interface LazyPath {
  up: LazyPath | null;
  steps: Path;
}

function pathOf(p: LazyPath): Path {
  return p.up ? [...pathOf(p.up), ...p.steps] : [...p.steps];
}

/** `analyzer` / `search_analyzer` / `search_quote_analyzer` / `normalizer` of every field, multi-field and dynamic template. */
function mappingRefs(node: Record<string, unknown>, path: LazyPath, refs: Ref[]): void {
  for (const [param, kind] of MAPPING_REF_ENTRIES) {
    const v = node[param];
    if (typeof v === 'string') refs.push({ kind, name: v, path: [...pathOf(path), param] });
  }
  for (const key of CHILD_KEYS) {
    const children = node[key];
    if (!isRecord(children)) continue;
    for (const name in children) {
      const child = children[name];
      if (isRecord(child)) mappingRefs(child, { up: path, steps: [key, name] }, refs);
    }
  }
  const templates = node['dynamic_templates'];
  if (Array.isArray(templates)) {
    templates.forEach((t, i) => {
      if (!isRecord(t)) return;
      for (const [name, body] of Object.entries(t)) {
        if (isRecord(body) && isRecord(body['mapping'])) mappingRefs(body['mapping'], { up: path, steps: ['dynamic_templates', i, name, 'mapping'] }, refs);
      }
    });
  }
}
