import { describe, expect, it } from 'vitest';
import { formatProblem, InvalidInputError } from '../errors.js';
import { fingerprint } from '../fingerprint/index.js';
import { aManifest, manifestYaml } from '../../test/support/manifest-builders.js';
import { parseManifestTexts } from './parse.js';

/** The problems of some manifest files, as `file:line:col: message` lines. */
function problems(files: { file: string; text: string }[]): string[] {
  try {
    parseManifestTexts(files);
  } catch (e) {
    if (e instanceof InvalidInputError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
}
const problemsOf = (text: string) => problems([{ file: 'manifests/m.yaml', text }]);

/** A valid manifest; `lines` 1-9 are fixed so that test cases can point at them. */
const BASE = `apiVersion: esm/v1
kind: IndexMaster
metadata:
  name: movies
spec:
  mappings:
    properties:
      id: { type: keyword }
      updated_at: { type: date }
`;
const withSpec = (extra: string) => BASE + extra;

describe('parseManifestTexts: a valid manifest', () => {
  it('parses BASE and applies the defaults', () => {
    const [m] = parseManifestTexts([{ file: 'manifests/m.yaml', text: BASE }]);
    expect(m).toEqual({
      name: 'movies',
      labels: {},
      spec: {
        settings: {},
        mappings: { properties: { id: { type: 'keyword' }, updated_at: { type: 'date' } } },
        activation: { minDocRatio: 0 },
        retention: { keepInactive: 2 },
      },
      fingerprint: fingerprint({ settings: {}, mappings: { properties: { id: { type: 'keyword' }, updated_at: { type: 'date' } } } }),
      origin: { file: 'manifests/m.yaml', line: 1, col: 1, dir: 'manifests' },
    });
  });

  it('round-trips the test builders: parse(manifestYaml(o)) equals aManifest(o)', () => {
    const o = {
      name: 'books',
      labels: { team: 'catalog' },
      source: { type: 'sqlite' as const, path: '../data/books.db', query: 'SELECT * FROM books WHERE :since IS NULL OR updated_at > :since' },
      minDocRatio: 0.9,
      keepInactive: 1,
    };
    expect(parseManifestTexts([{ file: 'manifests/books.yaml', text: manifestYaml(o) }])).toEqual([aManifest(o)]);
    expect(parseManifestTexts([{ file: 'manifests/movies.yaml', text: manifestYaml({ source: undefined, idField: undefined }) }])).toEqual([
      aManifest({ source: undefined, idField: undefined }),
    ]);
  });

  it('reads every source type and keeps source.path as written, with origin.dir for resolving it', () => {
    const src = (s: string) => withSpec(`  source:\n${s}`);
    const parse = (text: string, dir?: string) => parseManifestTexts([{ file: 'manifests/sub/m.yaml', text, ...(dir ? { dir } : {}) }])[0]!;
    expect(parse(src('    type: ndjson\n    path: ../data/*.ndjson\n')).spec.source).toEqual({ type: 'ndjson', path: '../data/*.ndjson' });
    expect(parse(src('    type: module\n    path: ./load.mjs\n')).spec.source).toEqual({ type: 'module', path: './load.mjs' });
    expect(parse(src('    type: reindex\n    from: active\n    query: { match_all: {} }\n')).spec.source).toEqual({
      type: 'reindex',
      from: 'active',
      query: { match_all: {} },
    });
    expect(parse(src('    type: ndjson\n    path: a.ndjson\n')).origin.dir).toBe('manifests/sub');
    expect(parse(src('    type: ndjson\n    path: a.ndjson\n'), '/abs/manifests/sub').origin.dir).toBe('/abs/manifests/sub');
  });

  it('turns label values into strings and honours YAML merge keys', () => {
    const valid = `apiVersion: esm/v1
kind: IndexMaster
metadata: { name: a, labels: { tier: 1, public: true } }
spec:
  <<: { mappings: { properties: { id: { type: keyword } } } }
  idField: id
`;
    const [m] = parseManifestTexts([{ file: 'm.yaml', text: valid }]);
    expect(m!.labels).toEqual({ tier: '1', public: 'true' });
    expect(m!.spec.mappings).toEqual({ properties: { id: { type: 'keyword' } } });
  });
});

describe('parseManifestTexts: several documents and files', () => {
  it('reads every document of a file, skips empty ones and gives each its own origin', () => {
    const text = `# movies and books
---
${manifestYaml({ name: 'movies' })}---
# nothing here
---
${manifestYaml({ name: 'books' })}`;
    const ms = parseManifestTexts([{ file: 'manifests/all.yaml', text }]);
    expect(ms.map((m) => m.name)).toEqual(['movies', 'books']);
    expect(ms[0]!.origin).toMatchObject({ file: 'manifests/all.yaml', line: 3, col: 1 });
    const lines = text.split('\n');
    const booksStart = lines.indexOf('apiVersion: esm/v1', lines.indexOf('# nothing here')) + 1;
    expect(ms[1]!.origin).toMatchObject({ file: 'manifests/all.yaml', line: booksStart, col: 1 });
  });

  it('returns [] for files without documents', () => {
    expect(parseManifestTexts([{ file: 'a.yaml', text: '' }, { file: 'b.yaml', text: '# only a comment\n' }])).toEqual([]);
  });

  it('reports a master declared twice, across files, at the second declaration', () => {
    expect(
      problems([
        { file: 'manifests/a.yaml', text: manifestYaml({ name: 'movies' }) },
        { file: 'manifests/b.yaml', text: `# again\n${manifestYaml({ name: 'movies' })}` },
      ]),
    ).toEqual(['manifests/b.yaml:5:9: duplicate master name "movies": already declared at manifests/a.yaml:4:9']);
  });

  it('reports every problem of every file at once, in file order then position, in one InvalidInputError', () => {
    const files = [
      { file: 'manifests/a.yaml', text: withSpec('  mapping: {}\n  idField: nope\n') },
      { file: 'manifests/b.yaml', text: 'apiVersion: esm/v1\nkind: [IndexMaster\n' },
      { file: 'manifests/c.yaml', text: BASE.replace('name: movies', 'name: Movies') + '---\n' + BASE.replace('esm/v1', 'esm/v2').replace('movies', 'books') },
    ];
    let error: unknown;
    try {
      parseManifestTexts(files);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    const e = error as InvalidInputError;
    expect(e.exitCode).toBe(3);
    expect(e.message.split('\n')[0]).toBe('5 problems in manifests');
    expect(e.problems.map(formatProblem)).toEqual([
      'manifests/a.yaml:10:3: unknown key "mapping" in spec (did you mean "mappings"?)',
      'manifests/a.yaml:11:12: spec.idField "nope" is not a field of spec.mappings',
      expect.stringMatching(/^manifests\/b\.yaml:3:1: invalid YAML: /),
      'manifests/c.yaml:4:9: metadata.name "Movies" must be lowercase',
      'manifests/c.yaml:11:13: apiVersion must be "esm/v1" (got "esm/v2")',
    ]);
  });
});

describe('parseManifestTexts: YAML syntax errors', () => {
  it.each([
    ['an unclosed flow sequence', 'apiVersion: esm/v1\nkind: [IndexMaster\nmetadata: {}\n', /^manifests\/m\.yaml:\d+:\d+: invalid YAML: .+/],
    ['a duplicate key', 'apiVersion: esm/v1\napiVersion: esm/v1\n', /^manifests\/m\.yaml:2:1: invalid YAML: duplicate key "apiVersion" \(first at line 1, column 1\)$/],
    ['a tab as indentation', 'metadata:\n\tname: x\n', /^manifests\/m\.yaml:2:1: invalid YAML: /],
    ['bad indentation', 'spec:\n  mappings: {}\n settings: {}\n', /^manifests\/m\.yaml:3:\d+: invalid YAML: /],
  ])('reports %s with file:line:col', (_name, text, expected) => {
    const ps = problemsOf(text);
    expect(ps.length).toBeGreaterThan(0);
    expect(ps[0]).toMatch(expected);
  });

  it('reports one syntax error per document, the first: not the cascade of lines after it', () => {
    const fields = (from: number, n: number, indent: string) => Array.from({ length: n }, (_, i) => `${indent}f${from + i}: { type: keyword }\n`).join('');
    const doc = (name: string) => BASE.replace('name: movies', `name: ${name}`).replace('    properties:\n', `    properties:\n${fields(0, 3, '      ')}     oops: { type: keyword }\n${fields(3, 80, '      ')}`);
    const text = `${doc('movies')}---\n${doc('books')}`;
    const ps = problemsOf(text);
    const oops = text.split('\n').flatMap((l, i) => (l.startsWith('     oops') ? [i + 1] : []));
    expect(oops).toHaveLength(2);
    expect(ps).toEqual(oops.map((line) => expect.stringMatching(new RegExp(`^manifests/m\\.yaml:${line}:\\d+: invalid YAML: `))));
  });

  it.each([
    ['apiVersion: esm/v1\nkind: IndexMaster: x\n', 'manifests/m.yaml:2:7: invalid YAML: Nested mappings are not allowed in compact mappings'],
    ['spec:\n  mappings: {}\n  settings: @x\n', 'manifests/m.yaml:3:13: invalid YAML: Plain value cannot start with reserved character @'],
    ['spec:\n  mappings: {}\n  settings: *shared\n', expect.stringMatching(/^manifests\/m\.yaml:3:13: invalid YAML: Unresolved alias/)],
  ])('points at the line and column of the error in %j', (text, expected) => {
    expect(problemsOf(text)).toEqual([expected]);
  });
});

describe('parseManifestTexts: schema violations, with line:col', () => {
  const cases: [string, string, string[]][] = [
    ['unknown top-level key', BASE + 'specs: {}\n', ['10:1: unknown key "specs" at the top level (did you mean "spec"?)']],
    ['unknown metadata key', BASE.replace('  name: movies\n', '  name: movies\n  label: {}\n'), ['5:3: unknown key "label" in metadata (did you mean "labels"?)']],
    ['mapping instead of mappings', BASE.replace('  mappings:', '  mapping:'), ['6:3: unknown key "mapping" in spec (did you mean "mappings"?)']],
    ['unknown spec key without a near match', withSpec('  shards: 2\n'), [
      '10:3: unknown key "shards" in spec (allowed: settings, mappings, source, idField, updatedField, deletedField, activation, retention, refillOnPipelineChange)',
    ]],
    // The misspelt key is reported once: not also as a missing "path".
    ['unknown source key', withSpec('  source:\n    type: ndjson\n    paht: a.ndjson\n'), ['12:5: unknown key "paht" in spec.source (did you mean "path"?)']],
    ['wrong case of a key', withSpec('  idfield: id\n'), ['10:3: unknown key "idfield" in spec (did you mean "idField"?)']],
    ['unknown source type', withSpec('  source:\n    type: csv\n    path: a.csv\n'), ['11:11: spec.source.type must be one of ndjson, sqlite, module, reindex (got "csv")']],
    ['wrong apiVersion', BASE.replace('esm/v1', 'v1'), ['1:13: apiVersion must be "esm/v1" (got "v1")']],
    ['wrong kind', BASE.replace('kind: IndexMaster', 'kind: Index'), ['2:7: kind must be one of IndexMaster, IngestPipeline, SynonymSet, StoredScript, IndexTemplate, ComponentTemplate (got "Index")']],
    ['missing apiVersion and kind', BASE.split('\n').slice(2).join('\n'), ['1:1: missing required key "apiVersion"', '1:1: missing required key "kind"']],
    ['missing name', BASE.replace('  name: movies\n', '  labels: {}\n'), ['3:1: missing required key "name" in metadata']],
    ['missing mappings', BASE.split('\n').slice(0, 5).join('\n') + '\n  settings: {}\n', ['5:1: missing required key "mappings" in spec']],
    ['empty spec', BASE.split('\n').slice(0, 5).join('\n') + '\n', ['5:1: spec must be a mapping (got nothing)']],
    ['settings as a list', withSpec('  settings: [1, 2]\n'), ['10:13: spec.settings must be a mapping (got a list)']],
    ['mappings as a string', BASE.replace(/ {2}mappings:[\s\S]*$/, '  mappings: strict\n'), ['6:13: spec.mappings must be a mapping (got "strict")']],
    ['a label holding a mapping', BASE.replace('  name: movies\n', '  name: movies\n  labels:\n    team: { a: 1 }\n'), [
      '6:11: metadata.labels.team must be a string or a number or true or false (got a mapping)',
    ]],
    ['minDocRatio above 1', withSpec('  activation:\n    minDocRatio: 1.5\n'), ['11:18: spec.activation.minDocRatio must be between 0 and 1 (got 1.5)']],
    ['minDocRatio below 0', withSpec('  activation: { minDocRatio: -0.1 }\n'), ['10:30: spec.activation.minDocRatio must be between 0 and 1 (got -0.1)']],
    ['minDocRatio as a percentage string', withSpec('  activation: { minDocRatio: 90% }\n'), ['10:30: spec.activation.minDocRatio must be a number (got "90%")']],
    ['keepInactive negative', withSpec('  retention:\n    keepInactive: -1\n'), ['11:19: spec.retention.keepInactive must be >= 0 (got -1)']],
    ['keepInactive not an integer', withSpec('  retention:\n    keepInactive: 1.5\n'), ['11:19: spec.retention.keepInactive must be an integer (got 1.5)']],
    ['sqlite source without query', withSpec('  source:\n    type: sqlite\n    path: db.sqlite\n'), [
      '10:3: missing required key "query" in spec.source (a sqlite source needs path and query)',
    ]],
    ['ndjson source with a query', withSpec('  source:\n    type: ndjson\n    path: a.ndjson\n    query: SELECT 1\n'), [
      '13:5: spec.source.query is not allowed when spec.source.type is ndjson',
    ]],
    ['reindex source without from', withSpec('  source:\n    type: reindex\n'), ['10:3: missing required key "from" in spec.source (a reindex source needs from)']],
    ['empty idField', withSpec('  idField: ""\n'), ['10:12: spec.idField must not be empty']],
    ['number_of_shards: .inf', withSpec('  settings:\n    number_of_shards: .inf\n'), [
      '11:23: spec.settings.number_of_shards must be a finite number (got .inf: JSON, and so the cluster, has no infinity or NaN)',
    ]],
    ['.nan and -.inf anywhere', withSpec('  settings: { number_of_replicas: .NaN }\n  activation: { minDocRatio: -.inf }\n'), [
      '10:35: spec.settings.number_of_replicas must be a finite number (got .nan: JSON, and so the cluster, has no infinity or NaN)',
      '11:30: spec.activation.minDocRatio must be a finite number (got -.inf: JSON, and so the cluster, has no infinity or NaN)',
    ]],
    ['a document that is a list', '- a\n- b\n', ['1:1: the document must be a mapping (got a list)']],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(problemsOf(text)).toEqual(expected.map((p) => `manifests/m.yaml:${p}`));
  });
});

describe('parseManifestTexts: semantic checks', () => {
  const named = (name: string) => BASE.replace('name: movies', `name: ${name}`);
  it.each([
    ['Movies', 'must be lowercase'],
    ['"my movies"', 'must not contain spaces'],
    ['"a,b#c"', 'must not contain ",", "#"'],
    ['"a*b"', 'must not contain "*"'],
    ['_movies', 'must not start with "_"'],
    ['-movies', 'must not start with "-"'],
    ['"+movies"', 'must not start with "+"'],
    ['..', 'must not be "." or ".."'],
    ['.movies', 'must not start with "." (reserved for system and hidden indices)'],
    ['movies-2', 'must not end with -<digits>: instances are named <master>-<N>, so the name would be mistaken for an instance'],
    ['a'.repeat(195), 'is 195 bytes long: at most 194, so that <prefix><name>-<N> stays within 200 bytes'],
    // Names that would forge lines in a PR comment, or make indices nobody can type.
    ['"evil\\n\\n=\\tmovies\\tno\\tchanges"', 'must hold only a-z, 0-9, "_", "." and "-" (it has the control character U+000A)', 'evil\\n\\n=\\tmovies\\tno\\tchanges'],
    ['"books\\0"', 'must hold only a-z, 0-9, "_", "." and "-" (it has the control character U+0000)', 'books\\u0000'],
    ['"books\\u202e"', 'must hold only a-z, 0-9, "_", "." and "-" (it has the bidirectional control U+202E)', 'books\\u202e'],
    ['"bo\\u200bks"', 'must hold only a-z, 0-9, "_", "." and "-" (it has the zero-width character U+200B)', 'bo\\u200bks'],
    ['é-films', 'must hold only a-z, 0-9, "_", "." and "-" (it has "é", U+00E9)'],
    ['"a=b"', 'must hold only a-z, 0-9, "_", "." and "-" (it has "=", U+003D)'],
    ['esm-locks', 'is reserved: names starting with "esm-" are esm\'s own indices (esm-locks)'],
    ['esm-history', 'is reserved: names starting with "esm-" are esm\'s own indices (esm-locks)'],
  ])('refuses the master name %s', (name, why, shownAs?: string) => {
    const shown = shownAs ?? name.replace(/^"|"$/g, '');
    expect(problemsOf(named(name))).toEqual([`manifests/m.yaml:4:9: metadata.name "${shown}" ${why}`]);
  });

  it.each(['movies', 'movies_v2', 'movies-v2', '2024-movies', 'a.b', 'esm', 'my-esm-locks', 'a'.repeat(194)])('accepts the master name %s', (name) => {
    expect(problemsOf(named(name))).toEqual([]);
  });

  const fields = `apiVersion: esm/v1
kind: IndexMaster
metadata:
  name: movies
spec:
  mappings:
    properties:
      id: { type: keyword }
      title: { type: text, fields: { raw: { type: keyword } } }
      director: { properties: { name: { type: keyword }, seen: { type: date_nanos } } }
      cast: { type: nested, properties: { actor: { type: keyword } } }
      ref: { type: alias, path: id }
      "meta.changed": { type: date }
      updated_at: { type: date }
`;
  it.each([
    ['idField: id', []],
    ['idField: director.name', []],
    ['idField: meta.changed', []],
    ['idField: uid', ['15:12: spec.idField "uid" is not a field of spec.mappings']],
    ['idField: title.raw', ['15:12: spec.idField "title.raw" is not a field of spec.mappings']],
    ['idField: director', ['15:12: spec.idField "director" is an object field: the document _id needs a single value']],
    ['idField: cast', ['15:12: spec.idField "cast" is an nested field: the document _id needs a single value']],
    ['idField: ref', ['15:12: spec.idField "ref" is a field alias: name the field it points at']],
    ['updatedField: updated_at', []],
    ['updatedField: director.seen', []],
    ['updatedField: meta.changed', []],
    ['updatedField: title', ['15:17: spec.updatedField "title" must be mapped as date or date_nanos (it is text)']],
    ['updatedField: modified', ['15:17: spec.updatedField "modified" is not a field of spec.mappings (it must be mapped as a date)']],
    ['source: { type: module, path: load.ts }', ['15:33: spec.source.path "load.ts" must be a JavaScript module (.js or .mjs)']],
    ['source: { type: reindex, from: films }', ['15:34: spec.source.from "films" is neither "active" nor a master declared in the manifests']],
    ['source: { type: reindex, from: active }', []],
  ])('%s', (line, expected) => {
    expect(problemsOf(`${fields}  ${line}\n`)).toEqual(expected.map((p) => `manifests/m.yaml:${p}`));
  });

  it('accepts a reindex from another master declared in another file', () => {
    const films = manifestYaml({ name: 'films' });
    const movies = manifestYaml({ name: 'movies', source: { type: 'reindex', from: 'films' } });
    expect(problems([{ file: 'a.yaml', text: movies }, { file: 'b.yaml', text: films }])).toEqual([]);
  });
});

describe('parseManifestTexts: settings keys that are the same setting', () => {
  it.each([
    ['dotted and plain', '  settings:\n    number_of_shards: 1\n    index.number_of_shards: 3\n', '12:5: spec.settings.index.number_of_shards is the same setting as spec.settings.number_of_shards (line 11, column 5): keep one'],
    ['nested and plain', '  settings:\n    number_of_shards: 1\n    index:\n      number_of_shards: 3\n', '13:7: spec.settings.index.number_of_shards is the same setting as spec.settings.number_of_shards (line 11, column 5): keep one'],
    ['nested and dotted analysis', '  settings:\n    analysis.analyzer.a.type: standard\n    analysis:\n      analyzer:\n        a:\n          type: simple\n', '15:11: spec.settings.analysis.analyzer.a.type is the same setting as spec.settings.analysis.analyzer.a.type (line 11, column 5): keep one'],
  ])('%s', (_name, settings, expected) => {
    expect(problemsOf(withSpec(settings))).toEqual([`manifests/m.yaml:${expected}`]);
  });

  it('accepts settings that only share a prefix', () => {
    expect(problemsOf(withSpec('  settings:\n    index.number_of_shards: 1\n    index:\n      number_of_replicas: 0\n'))).toEqual([]);
  });
});

describe('parseManifestTexts: analysis components must exist', () => {
  const analysis = `  settings:
    analysis:
      analyzer:
        folded: { type: custom, tokenizer: standard, filter: [lowercase, my_stop, asciifolding], char_filter: [html_strip] }
      filter:
        my_stop: { type: stop, stopwords: _english_ }
      normalizer:
        lower: { type: custom, filter: [lowercase] }
`;
  const mapped = (props: string) => BASE.replace('      id: { type: keyword }\n', `      id: { type: keyword }\n${props}`);

  it('reports an undefined analyzer named in the mappings, at file:line:col', () => {
    expect(problemsOf(mapped('      title: { type: text, analyzer: course_txt }\n'))).toEqual([
      'manifests/m.yaml:9:38: spec.mappings.properties.title.analyzer names the analyzer "course_txt", which spec.settings.analysis.analyzer does not define and the engine does not have built in',
    ]);
  });

  it('reports undefined search analyzers, normalizers, and those of multi-fields and dynamic templates', () => {
    const text = mapped('      title: { type: text, search_analyzer: nope1, fields: { raw: { type: keyword, normalizer: nope2 } } }\n') + '    dynamic_templates:\n      - strings: { match_mapping_type: string, mapping: { type: text, analyzer: nope3 } }\n';
    expect(problemsOf(text).map((p) => p.replace(/,.*$/, ''))).toEqual([
      'manifests/m.yaml:9:45: spec.mappings.properties.title.search_analyzer names the analyzer "nope1"',
      'manifests/m.yaml:9:96: spec.mappings.properties.title.fields.raw.normalizer names the normalizer "nope2"',
      'manifests/m.yaml:12:81: spec.mappings.dynamic_templates.0.strings.mapping.analyzer names the analyzer "nope3"',
    ]);
  });

  it('reports undefined tokenizers, token filters and char filters of custom analyzers and normalizers', () => {
    const text = withSpec(analysis.replace('tokenizer: standard', 'tokenizer: my_tok').replace('[html_strip]', '[my_chars]').replace('filter: [lowercase]', 'filter: [lowercase, nope]'));
    expect(problemsOf(text).map((p) => p.replace(/,.*$/, ''))).toEqual([
      'manifests/m.yaml:13:44: spec.settings.analysis.analyzer.folded.tokenizer names the tokenizer "my_tok"',
      'manifests/m.yaml:13:110: spec.settings.analysis.analyzer.folded.char_filter.0 names the char filter "my_chars"',
      'manifests/m.yaml:17:52: spec.settings.analysis.normalizer.lower.filter.1 names the token filter "nope"',
    ]);
  });

  it('accepts components defined in the manifest (nested, dotted or under index.) and built-ins', () => {
    const text = withSpec(analysis).replace('      id: { type: keyword }\n', '      id: { type: keyword, normalizer: lower }\n      t: { type: text, analyzer: folded, search_analyzer: english }\n      k: { type: keyword, normalizer: lowercase }\n');
    expect(problemsOf(text)).toEqual([]);
    const dotted = withSpec('  settings:\n    index.analysis.analyzer.mine.type: custom\n    index.analysis.analyzer.mine.tokenizer: whitespace\n').replace('      id: { type: keyword }\n', '      id: { type: keyword }\n      t: { type: text, analyzer: mine }\n');
    expect(problemsOf(dotted)).toEqual([]);
  });
});

