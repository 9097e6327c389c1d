/**
 * Where a manifest names a companion (SPEC §12): a master's or a template's
 * `default_pipeline` / `final_pipeline` (IngestPipeline), a `synonym` or
 * `synonym_graph` filter's `synonyms_set` (SynonymSet), a reindex source's
 * `script.id` and a pipeline's `script` processor `id` (StoredScript), a pipeline's
 * `pipeline` processor `name` (IngestPipeline), an index template's `composed_of`
 * (ComponentTemplate). Read from plain data, so that validation finds them in
 * documents that are not valid otherwise, each with its path in the document
 * (for `file:line:col`). Pure.
 */
import type { CompanionKind, CompanionRef } from './types.js';

export type Path = (string | number)[];

export interface Reference {
  to: CompanionRef;
  /** The value's path in the manifest document (`['spec', 'settings', 'index', 'default_pipeline']`). */
  path: Path;
  /** The path for people: `spec.settings.index.default_pipeline`. */
  where: string;
  /** For a reference in index settings: the setting, dotted, without `index.` (`analysis.filter.syn.synonyms_set`). */
  setting?: string;
}

type Rec = Record<string, unknown>;

const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The references of a manifest document of any kind (`kind` as declared). */
export function referencesOf(kind: unknown, doc: unknown): Reference[] {
  const spec = isRec(doc) ? doc['spec'] : undefined;
  if (!isRec(spec)) return [];
  const at = (...p: Path) => ['spec', ...p];
  switch (kind) {
    case 'IngestPipeline':
      return [...processorRefs(spec['processors'], at('processors')), ...processorRefs(spec['on_failure'], at('on_failure'))];
    case 'IndexTemplate':
      return [...composedOfRefs(spec['composed_of'], at('composed_of')), ...templateRefs(spec['template'], at('template'))];
    case 'ComponentTemplate':
      return templateRefs(spec['template'], at('template'));
    case 'SynonymSet':
    case 'StoredScript':
      return [];
    default: {
      // IndexMaster (and a document of no known kind, read as one).
      const out = isRec(spec['settings']) ? settingsRefs(spec['settings'], at('settings')) : [];
      const source = spec['source'];
      if (isRec(source) && source['type'] === 'reindex' && isRec(source['script']) && typeof source['script']['id'] === 'string') {
        out.push(ref('StoredScript', source['script']['id'], at('source', 'script', 'id')));
      }
      return out;
    }
  }
}

/** References in index settings (nested, dotted, with or without `index.`): pipelines and synonym sets. */
export function settingsRefs(settings: Rec, base: Path): Reference[] {
  const out: Reference[] = [];
  const walk = (value: Rec, keyPrefix: string, path: Path) => {
    for (const [raw, v] of Object.entries(value)) {
      const key = normalise(keyPrefix + raw);
      const here = [...path, raw];
      if (isRec(v)) {
        walk(v, `${key}.`, here);
        continue;
      }
      if (typeof v !== 'string' || v === '') continue;
      if ((key === 'default_pipeline' || key === 'final_pipeline') && v !== '_none') out.push({ ...ref('IngestPipeline', v, here), setting: key });
      else if (/^analysis\.filter\..+\.synonyms_set$/.test(key)) out.push({ ...ref('SynonymSet', v, here), setting: key });
    }
  };
  walk(settings, '', base);
  return out;
}

function templateRefs(template: unknown, base: Path): Reference[] {
  return isRec(template) && isRec(template['settings']) ? settingsRefs(template['settings'], [...base, 'settings']) : [];
}

function composedOfRefs(list: unknown, base: Path): Reference[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((name, i) => (typeof name === 'string' && name !== '' ? [ref('ComponentTemplate', name, [...base, i])] : []));
}

/**
 * A pipeline's processors, recursively: `on_failure` lists (of the pipeline and of
 * each processor) and `foreach`'s `processor`. A `pipeline` processor whose name is
 * a template (`{{…}}`) names no pipeline esm can check.
 */
function processorRefs(list: unknown, base: Path): Reference[] {
  if (!Array.isArray(list)) return [];
  const out: Reference[] = [];
  list.forEach((proc, i) => {
    if (!isRec(proc)) return;
    for (const [type, config] of Object.entries(proc)) {
      if (!isRec(config)) continue;
      const here = [...base, i, type];
      if (type === 'pipeline' && typeof config['name'] === 'string' && config['name'] !== '' && !config['name'].includes('{{')) {
        out.push(ref('IngestPipeline', config['name'], [...here, 'name']));
      }
      if (type === 'script' && typeof config['id'] === 'string' && config['id'] !== '') out.push(ref('StoredScript', config['id'], [...here, 'id']));
      if (type === 'foreach' && isRec(config['processor'])) out.push(...processorRefs([config['processor']], [...here, 'processor']).map(unwrapForeach));
      out.push(...processorRefs(config['on_failure'], [...here, 'on_failure']));
    }
  });
  return out;
}

/** `foreach.processor` is one processor, walked as a list of one: drop the list index from its paths. */
function unwrapForeach(r: Reference): Reference {
  const i = r.path.lastIndexOf('processor');
  const path = [...r.path.slice(0, i + 1), ...r.path.slice(i + 2)];
  return { ...r, path, where: showPath(path) };
}

function ref(kind: CompanionKind, name: string, path: Path): Reference {
  return { to: { kind, name }, path, where: showPath(path) };
}

function normalise(key: string): string {
  return key.startsWith('index.') ? key.slice('index.'.length) : key;
}

/** `['spec', 'processors', 0, 'pipeline', 'name']` → `spec.processors[0].pipeline.name`. */
export function showPath(path: Path): string {
  let s = '';
  for (const step of path) s += typeof step === 'number' ? `[${step}]` : s ? `.${step}` : step;
  return s;
}
