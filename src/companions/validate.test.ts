/** Companion manifests (SPEC §12) as `esm validate` reads them: kinds, names, references, cycles — each problem placed. */
import { describe, expect, it } from 'vitest';
import { formatProblem, InvalidInputError } from '../errors.js';
import { parseManifestSet } from '../manifest/parse.js';

function problems(text: string, prefix = ''): string[] {
  try {
    parseManifestSet([{ file: 'manifests/m.yaml', text }], { prefix });
    return [];
  } catch (e) {
    if (e instanceof InvalidInputError) return e.problems.map(formatProblem);
    throw e;
  }
}

const master = (settings: string, extra = '') => `apiVersion: esm/v1
kind: IndexMaster
metadata: { name: movies }
spec:
  settings:
${settings}
  mappings:
    properties:
      title: { type: text }
${extra}`;

const PIPELINE = `---
apiVersion: esm/v1
kind: IngestPipeline
metadata: { name: enrich }
spec:
  description: lower-case the genre
  processors:
    - lowercase: { field: genre }
`;

describe('companion manifests', () => {
  it('several kinds share a file: masters and companions are read apart, each with where it was declared', () => {
    const text = `${master('    default_pipeline: enrich')}${PIPELINE}---
apiVersion: esm/v1
kind: SynonymSet
metadata: { name: movie-synonyms }
spec:
  synonyms: ["sci-fi, science fiction", "film => movie"]
---
apiVersion: esm/v1
kind: IndexTemplate
metadata: { name: logs }
spec:
  index_patterns: logs-*
  composed_of: [base]
---
apiVersion: esm/v1
kind: ComponentTemplate
metadata: { name: base }
spec:
  template: { settings: { number_of_shards: 1 } }
---
apiVersion: esm/v1
kind: StoredScript
metadata: { name: by-title }
spec:
  lang: mustache
  source: { query: { match: { title: "{{q}}" } } }
`;
    const set = parseManifestSet([{ file: 'manifests/m.yaml', text }]);
    expect(set.masters.map((m) => m.name)).toEqual(['movies']);
    expect(set.masters[0]!.spec.settings).toEqual({ default_pipeline: 'enrich' });
    expect(set.companions.map((c) => `${c.kind}/${c.name}@${c.origin.line}`)).toEqual([
      'IngestPipeline/enrich@11',
      'SynonymSet/movie-synonyms@19',
      'IndexTemplate/logs@25',
      'ComponentTemplate/base@32',
      'StoredScript/by-title@38',
    ]);
    const template = set.companions.find((c) => c.kind === 'IndexTemplate')!;
    // One pattern or a list: read as a list, as the engines answer.
    expect(template.spec).toEqual({ index_patterns: ['logs-*'], composed_of: ['base'] });
  });

  it.each([
    ['default_pipeline', '    default_pipeline: enrich', '6:23: spec.settings.default_pipeline names an IngestPipeline "enrich", which no manifest declares'],
    ['a dotted final_pipeline', '    index.final_pipeline: enrich', '6:27: spec.settings.index.final_pipeline names an IngestPipeline "enrich", which no manifest declares'],
    [
      'a synonym filter’s synonyms_set',
      '    analysis:\n      filter:\n        syn: { type: synonym_graph, synonyms_set: movie-synonyms, updateable: true }',
      '8:51: spec.settings.analysis.filter.syn.synonyms_set names a SynonymSet "movie-synonyms", which no manifest declares',
    ],
  ])('a master naming a companion no manifest declares is a problem at the name: %s', (_what, settings, expected) => {
    expect(problems(master(settings))).toEqual([`manifests/m.yaml:${expected}`]);
  });

  it('a reindex source’s script id must name a StoredScript', () => {
    const text = master('    number_of_shards: 1', '  source: { type: reindex, from: active, script: { id: bump } }\n');
    expect(problems(text)).toEqual(['manifests/m.yaml:10:56: spec.source.script.id names a StoredScript "bump", which no manifest declares']);
  });

  it('_none is no pipeline', () => {
    expect(problems(master('    default_pipeline: _none'))).toEqual([]);
  });

  it('an index template’s composed_of, a template’s pipeline, a pipeline’s pipeline and script processors are checked', () => {
    const text = `apiVersion: esm/v1
kind: IndexTemplate
metadata: { name: logs }
spec:
  index_patterns: [logs-*]
  composed_of: [base, missing-base]
  template: { settings: { index: { default_pipeline: nowhere } } }
---
apiVersion: esm/v1
kind: ComponentTemplate
metadata: { name: base }
spec: { template: {} }
---
apiVersion: esm/v1
kind: IngestPipeline
metadata: { name: enrich }
spec:
  processors:
    - pipeline: { name: other }
    - pipeline: { name: "{{ _ingest.pipeline }}" }
    - foreach: { field: tags, processor: { script: { id: tagger } } }
`;
    expect(problems(text)).toEqual([
      'manifests/m.yaml:6:23: spec.composed_of[1] names a ComponentTemplate "missing-base", which no manifest declares',
      'manifests/m.yaml:7:54: spec.template.settings.index.default_pipeline names an IngestPipeline "nowhere", which no manifest declares',
      'manifests/m.yaml:19:25: spec.processors[0].pipeline.name names an IngestPipeline "other", which no manifest declares',
      'manifests/m.yaml:21:58: spec.processors[2].foreach.processor.script.id names a StoredScript "tagger", which no manifest declares',
    ]);
  });

  it('pipelines that call each other in a cycle are a problem at each call', () => {
    const pipeline = (name: string, calls: string) =>
      `---\napiVersion: esm/v1\nkind: IngestPipeline\nmetadata: { name: ${name} }\nspec:\n  processors:\n    - pipeline: { name: ${calls} }\n`;
    const text = pipeline('a', 'b') + pipeline('b', 'c') + pipeline('c', 'a') + pipeline('d', 'a');
    expect(problems(text)).toEqual([
      'manifests/m.yaml:7:25: spec.processors[0].pipeline.name makes a cycle (IngestPipeline/a → IngestPipeline/b → IngestPipeline/c → IngestPipeline/a): esm cannot apply one before the other',
      'manifests/m.yaml:14:25: spec.processors[0].pipeline.name makes a cycle (IngestPipeline/a → IngestPipeline/b → IngestPipeline/c → IngestPipeline/a): esm cannot apply one before the other',
      'manifests/m.yaml:21:25: spec.processors[0].pipeline.name makes a cycle (IngestPipeline/a → IngestPipeline/b → IngestPipeline/c → IngestPipeline/a): esm cannot apply one before the other',
    ]);
    expect(problems(pipeline('self', 'self'))).toEqual([
      'manifests/m.yaml:7:25: spec.processors[0].pipeline.name makes a cycle (IngestPipeline/self → IngestPipeline/self): esm cannot apply one before the other',
    ]);
  });

  it('a name is unique per kind; two kinds may share one', () => {
    const synonyms = `---\napiVersion: esm/v1\nkind: SynonymSet\nmetadata: { name: enrich }\nspec: { synonyms: ["a, b"] }\n`;
    expect(problems(PIPELINE + synonyms)).toEqual([]);
    expect(problems(PIPELINE + PIPELINE)).toEqual(['manifests/m.yaml:12:19: duplicate IngestPipeline name "enrich": already declared at manifests/m.yaml:4:19']);
  });

  it('the schema of each kind: unknown keys, required keys, template names in lowercase, names within 255 bytes with the prefix', () => {
    expect(problems(`apiVersion: esm/v1\nkind: IngestPipeline\nmetadata: { name: p }\nspec:\n  processor: []\n`)).toEqual([
      'manifests/m.yaml:5:3: unknown key "processor" in spec (did you mean "processors"?)',
    ]);
    expect(problems(`apiVersion: esm/v1\nkind: StoredScript\nmetadata: { name: s }\nspec: { source: "x" }\n`)).toEqual([
      'manifests/m.yaml:4:1: missing required key "lang" in spec',
    ]);
    expect(problems(`apiVersion: esm/v1\nkind: ComponentTemplate\nmetadata: { name: Base }\nspec: { template: {} }\n`)).toEqual([
      'manifests/m.yaml:3:19: metadata.name must match ^[a-z0-9][a-z0-9_.-]*$ (got "Base")',
    ]);
    expect(problems(`apiVersion: esm/v1\nkind: SynonymSet\nmetadata: { name: ${'s'.repeat(250)} }\nspec: { synonyms: [] }\n`, 'qa1_env_')).toEqual([
      `manifests/m.yaml:3:19: metadata.name "${'s'.repeat(250)}" is 258 bytes long with the prefix "qa1_env_": at most 255`,
    ]);
  });

  it('a master may not name a companion of a kind that is not there: a SynonymSet named as a pipeline is missing', () => {
    const synonyms = `---\napiVersion: esm/v1\nkind: SynonymSet\nmetadata: { name: enrich }\nspec: { synonyms: ["a, b"] }\n`;
    expect(problems(master('    default_pipeline: enrich') + synonyms)).toEqual([
      'manifests/m.yaml:6:23: spec.settings.default_pipeline names an IngestPipeline "enrich", which no manifest declares',
    ]);
  });
});
