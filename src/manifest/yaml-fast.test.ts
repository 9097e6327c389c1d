/**
 * The fast reader (js-yaml events) against the full one (`yaml` Documents): whatever
 * the fast reader accepts, the full reader reads as the same data, at the same
 * document starts, with no problem. On hand-picked edge cases (scalars of every
 * core-schema type, quoting, block scalars, flow collections, several documents,
 * BOM, CRLF) and on seeded mutations of real manifests.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mutate, rng } from '../../test/fuzz/mutate.js';
import { manifestYaml } from '../../test/support/manifest-builders.js';
import { parseYamlFile, parseYamlFileFully } from './yaml-file.js';
import { isScalar, Schema, type ScalarTag } from 'yaml';
import { PLAIN_TAGS, readYamlFast } from './yaml-fast.js';

/** The outcome of the full reader, and of parseYamlFile (fast when it can). */
function bothReaders(text: string) {
  const full = parseYamlFileFully('f.yaml', text);
  const chosen = parseYamlFile('f.yaml', text);
  return {
    fast: readYamlFast(text),
    full: { problems: full.problems, docs: full.documents.map((d) => ({ data: d.data, start: d.start })) },
    chosen: { problems: chosen.problems, docs: chosen.documents.map((d) => ({ data: d.data, start: d.start })) },
  };
}

type Outcome = 'read fast' | 'read fully';

/**
 * How `text` was read, after checking that it was read right either way: parseYamlFile's
 * result is always the full reader's, and what the fast reader accepted it read as the
 * full reader does (same data, same JSON, same document starts, no problem).
 */
function readBoth(text: string): Outcome {
  const { fast, full, chosen } = bothReaders(text);
  const context = `text: ${JSON.stringify(text)}`;
  expect(chosen, context).toStrictEqual(full);
  if (fast === undefined) return 'read fully';
  expect(full.problems, context).toEqual([]);
  // JSON is what reaches the cluster and the fingerprint: compare it too (-0, key order).
  expect(JSON.stringify(fast.map((d) => d.data)), context).toBe(JSON.stringify(full.docs.map((d) => d.data)));
  return 'read fast';
}

const PLAIN_SCALARS = [
  '1', '-1', '+1', '007', '0o17', '0o8', '0x1F', '0x', '0b101', '1_000', '1e3', '1E3', '1e+3', '-1.5e-3', '.5', '5.', '-0', '0.0', '1.0', '1.50',
  '12:30', '2024-01-01', '2024-01-01T10:00:00Z', 'yes', 'no', 'on', 'off', 'y', 'n', 'True', 'TRUE', 'tRUE', 'true', 'false', 'False', 'FALSE',
  'null', 'Null', 'NULL', 'nULL', '~', '.inf', '-.Inf', '+.INF', '.NaN', '.nan', 'nan', 'inf', '9007199254740993', '99999999999999999999999',
  '1e309', 'keyword', 'text with spaces', 'a#b', 'a:b', 'é', '💥', '-', '.', '+', 'foo bar baz', '@', 'x%y',
];

/** Plain scalars that YAML 1.2's core schema reads as numbers, booleans or null: not a string key, so the fast reader gives up on them as keys. */
const NOT_STRINGS = new Set([
  '1', '-1', '+1', '007', '0o17', '0x1F', '1e3', '1E3', '1e+3', '-1.5e-3', '.5', '5.', '-0', '0.0', '1.0', '1.50',
  'True', 'TRUE', 'true', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL', '~', '9007199254740993', '99999999999999999999999',
]);
/** Left to the full reader wherever they stand: infinities and NaN (a problem to place), a number JSON cannot hold, a reserved indicator. */
const GIVEN_UP = new Set(['.inf', '-.Inf', '+.INF', '.NaN', '.nan', '1e309', '@']);

describe('the fast reader reads what the full reader reads', () => {
  beforeEach(() => {
    expect.hasAssertions();
  });

  it.each(PLAIN_SCALARS)('plain scalar %j as a value, in a flow map, in a sequence and as a key', (s) => {
    const value: Outcome = GIVEN_UP.has(s) ? 'read fully' : 'read fast';
    // A lone dash where a value starts is a sequence entry to js-yaml: the full reader decides.
    expect(readBoth(`a: ${s}\n`)).toBe(s === '-' ? 'read fully' : value);
    expect(readBoth(`a: { b: ${s}, c: [${s}] }\n`)).toBe(s === '-' ? 'read fully' : value);
    expect(readBoth(`a:\n  - ${s}\n`)).toBe(value);
    expect(readBoth(`${s}: 1\n`)).toBe(NOT_STRINGS.has(s) ? 'read fully' : value);
  });

  it.each(PLAIN_SCALARS)('quoted scalar %j is a string', (s) => {
    expect(readBoth(`a: "${s}"\nb: '${s}'\n`)).toBe('read fast');
  });

  const ACCEPTED = [
    'apiVersion: esm/v1\nkind: IndexMaster\nmetadata:\n  name: m\n',
    '\ufeffa: 1\n',
    'a: 1\r\nb:\r\n  c: 2\r\n',
    '# comment\n---\na: 1 # trailing\n---\n---\nb: 2\n...\n',
    'a: |\n  line 1\n  line 2\n\nb: 1\n',
    'a: |-\n  x\n',
    'a: |+\n  x\n\n\nb: 1\n',
    'a: >\n  folded\n  text\n\n  para\n',
    'a: >2\n    indented\n',
    'a: "esc \\u263A \\x41 \\t \\n \\\\ \\""\n',
    "a: 'it''s'\n",
    'a: "multi\n  line"\n',
    'a: plain\n  multi\n  line\n',
    'a:\n  - b: 1\n    c: 2\n  - [1, 2, {d: e}]\n',
    'a: {}\nb: []\nc:\nd: ""\n',
    'a: &anchor 1\n',
    '? a\n: 1\n',
    '"quoted key": 1\n\'single\': 2\n',
    'a: { "x": 1, y: [ ], z: { } }\n',
    'key with spaces: value\n',
  ];
  it.each(ACCEPTED)('accepted and read alike: %j', (text) => {
    expect(readBoth(text)).toBe('read fast');
  });

  const GIVEN_UP_TEXTS = [
    ['a syntax error', 'a: [1, 2\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['keys equal as strings', '1: a\n"1": b\n'],
    ['an alias', 'a: &x 1\nb: *x\n'],
    ['a merge key', 'a: &x {b: 1}\nc:\n  <<: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a directive', '%YAML 1.1\n---\na: yes\n'],
    ['a non-string key', 'true: 1\n'],
    ['a null key', '~: 1\n'],
    ['a collection as key', '? [a, b]\n: 1\n'],
    ['__proto__', '__proto__: {a: 1}\n'],
    ['.inf', 'a: .inf\n'],
    ['a scalar document', 'just text\n'],
    ['a sequence document', '- a\n- b\n'],
    ['nesting past the limit', `a: ${'['.repeat(200)}${']'.repeat(200)}\n`],
  ] as const;
  it.each(GIVEN_UP_TEXTS)('gives up on %s (the full reader places its problems)', (_what, text) => {
    expect(readYamlFast(text)).toBeUndefined();
    expect(readBoth(text)).toBe('read fully');
  });

  it('empty documents and empty files give no document, as in the full reader', () => {
    for (const text of ['', '\n', '# only a comment\n', '---\n', '---\n...\n---\n~\n', 'null\n']) {
      expect(readYamlFast(text), JSON.stringify(text)).toEqual([]);
      expect(parseYamlFileFully('f.yaml', text).documents).toEqual([]);
    }
  });

  it('a problem in a document read the fast way is placed at its line:col', () => {
    const text = 'a: 1\n---\nb:\n  c: 2\n';
    const parsed = parseYamlFile('f.yaml', text);
    expect(readYamlFast(text)).toBeDefined();
    expect(parsed.documents[1]!.start).toEqual({ line: 3, col: 1 });
    expect(parsed.documents[1]!.problemAt(['b', 'c'], 'bad')).toEqual({ file: 'f.yaml', line: 4, col: 6, message: 'bad' });
  });

  const SEEDS = [
    manifestYaml({ name: 'movies' }),
    manifestYaml({ name: 'books', labels: { team: 'catalog' }, source: { type: 'sqlite', path: 'b.db', query: 'SELECT * FROM books' }, keepInactive: 1 }),
    manifestYaml({ name: 'songs', settings: { number_of_shards: 2, analysis: { analyzer: { folded: { type: 'custom', tokenizer: 'standard', filter: ['lowercase'] } } } } }),
  ];

  it('reads the unmutated real manifests the fast way', () => {
    for (const s of SEEDS) expect(readBoth(s)).toBe('read fast');
  });

  // 3,000 seeded mutations in 10 runs of 300, each its own test with its own seed: a few
  // seconds of work each, so no test needs a time budget that a busy machine could break.
  const RUNS = 10;
  const PER_RUN = Number(process.env.N ?? 3000) / RUNS;
  it.each(Array.from({ length: RUNS }, (_, i) => i))('agrees on 300 seeded mutations of real manifests (run %i of 10), reading some fast and some fully', (run) => {
    const r = rng(Number(process.env.S ?? 7) * 1000 + run);
    const outcomes = { 'read fast': 0, 'read fully': 0 };
    for (let i = 0; i < PER_RUN; i++) outcomes[readBoth(mutate(SEEDS[i % SEEDS.length]!, r).text)]++;
    // Many mutations are invalid YAML or use what the fast reader gives up on; both kinds were checked above.
    expect(outcomes['read fast']).toBeGreaterThan(PER_RUN / 10);
    expect(outcomes['read fully']).toBeGreaterThan(PER_RUN / 10);
  });
});

describe('the fast reader’s core-schema scalars', () => {
  // The yaml library's plain-scalar tags of the core schema, in its order (what composeScalar tests).
  const yamlTags = new Schema({}).tags.filter((t): t is ScalarTag => !('collection' in t && t.collection) && t.default === true && t.test !== undefined);

  it('are the yaml library’s own: the same patterns, in the same order', () => {
    expect(PLAIN_TAGS.map((t) => t.test.source)).toEqual(yamlTags.map((t) => t.test!.source));
  });

  it('resolve as the yaml library resolves them', () => {
    const samples = ['', '~', 'null', 'NULL', 'true', 'False', '0o17', '0o0', '-12', '+7', '007', '9007199254740993', '0x1F', '0xff', '.inf', '-.Inf', '.NaN', '1e3', '-2.5E-2', '.5e1', '3.', '-.25', '1.50', '+0.0', '-0'];
    for (const s of samples) {
      const mine = PLAIN_TAGS.find((t) => t.test.test(s));
      const theirs = yamlTags.find((t) => t.test!.test(s));
      expect(mine, s).toBeDefined();
      const resolved = theirs!.resolve(s, () => undefined, { intAsBigInt: false } as Parameters<ScalarTag['resolve']>[2]);
      expect(Object.is(mine!.resolve(s), isScalar(resolved) ? resolved.value : resolved), s).toBe(true);
    }
  });
});
