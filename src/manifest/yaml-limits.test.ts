/**
 * Bounds on what a manifest file may cost to read: size, nesting
 * depth, alias expansion and duplicate keys, each reported as one
 * `file:line:col` problem, quickly, whatever the input.
 */
import { describe, expect, it } from 'vitest';
import { formatProblem, InvalidInputError } from '../errors.js';
import { parseManifestTexts } from './parse.js';
import { MAX_DEPTH, MAX_FILE_BYTES, MAX_PROBLEMS_PER_FILE } from './yaml-limits.js';

function problemsOf(text: string): string[] {
  try {
    parseManifestTexts([{ file: 'manifests/m.yaml', text }]);
  } catch (e) {
    if (e instanceof InvalidInputError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
}

const HEAD = `apiVersion: esm/v1
kind: IndexMaster
metadata:
  name: movies
spec:
  mappings:
`;

describe('manifest size and shape limits', () => {
  it('refuses a file larger than the size limit, at 1:1', () => {
    const text = HEAD + '    _meta:\n      blob: "' + 'x'.repeat(MAX_FILE_BYTES) + '"\n';
    const ps = problemsOf(text);
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatch(/^manifests\/m\.yaml:1:1: the file is \d+(\.\d)? MB; a manifest may be at most \d+ MB$/);
  });

  it('refuses flow sequences nested a million levels deep, pointing at the level past the limit', () => {
    const n = 1_000_000;
    const ps = problemsOf(HEAD + '    _meta: { x: ' + '['.repeat(n) + ']'.repeat(n) + ' }\n');
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatch(new RegExp(`^manifests/m\\.yaml:7:\\d+: nested more than ${MAX_DEPTH} levels deep$`));
  });

  it('refuses block sequences nested deeply on one line (- - - …)', () => {
    const ps = problemsOf(HEAD + '    _meta:\n      x:\n' + '      ' + '- '.repeat(50_000) + 'a\n');
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatch(/^manifests\/m\.yaml:9:\d+: nested more than \d+ levels deep$/);
  });

  it('refuses block sequences nested deeply inside a flow collection (a stack overflow in the parser, found by fuzzing)', () => {
    const ps = problemsOf(HEAD + '    _meta: [\n      x: ' + '- '.repeat(5_000) + 'a\n');
    expect(ps[0]).toMatch(/^manifests\/m\.yaml:8:\d+: nested more than \d+ levels deep$/);
    expect(ps.join('\n')).not.toMatch(/call stack/);
  });

  it('accepts the nesting a real mapping needs (objects 20 levels deep)', () => {
    let props = '';
    for (let i = 0; i < 20; i++) props += `${'  '.repeat(2 + 2 * i)}properties:\n${'  '.repeat(3 + 2 * i)}o${i}:\n`;
    props += `${'  '.repeat(2 + 40)}type: keyword\n`;
    expect(problemsOf(HEAD + props)).toEqual([]);
  });

  it('refuses an alias bomb (billion laughs) with a problem at the first alias', () => {
    let text = HEAD + '    _meta:\n      a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 10; i++) text += `      a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    const ps = problemsOf(text);
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatch(/^manifests\/m\.yaml:9:\d+: invalid YAML: .*alias/i);
  });

  it('reports a duplicate key at the second occurrence, naming the first', () => {
    const ps = problemsOf(HEAD + '    properties:\n      title: { type: text }\n      year: { type: integer }\n      title: { type: keyword }\n');
    expect(ps).toEqual(['manifests/m.yaml:10:7: invalid YAML: duplicate key "title" (first at line 8, column 7)']);
  });

  it('reports duplicate keys in flow maps and at the top level', () => {
    const ps = problemsOf(HEAD.replace('kind: IndexMaster\n', 'kind: IndexMaster\nkind: IndexMaster\n') + '    properties: { a: {type: text}, a: {type: text} }\n');
    expect(ps).toEqual([
      'manifests/m.yaml:3:1: invalid YAML: duplicate key "kind" (first at line 2, column 1)',
      'manifests/m.yaml:8:36: invalid YAML: duplicate key "a" (first at line 8, column 19)',
    ]);
  });

  it('treats 1 and "1" as the same key (they are in JSON)', () => {
    const ps = problemsOf(HEAD + '    _meta: { 1: a, "1": b }\n');
    expect(ps).toEqual(['manifests/m.yaml:7:20: invalid YAML: duplicate key "1" (first at line 7, column 14)']);
  });

  it('keeps merge keys (<<) working', () => {
    const text = HEAD + '    _meta:\n      base: &b { x: 1 }\n      more:\n        <<: *b\n        y: 2\n';
    expect(problemsOf(text)).toEqual([]);
  });

  it('reads a manifest with 50,000 keys in linear time (no quadratic duplicate check)', () => {
    // 40,000 keys took 17 s with the yaml library's own check; this would not finish within the test timeout.
    let text = HEAD + '    _meta:\n';
    for (let i = 0; i < 50_000; i++) text += `      k${i}: ${i}\n`;
    text += '      k7: again\n';
    const ps = problemsOf(text);
    expect(ps).toEqual([`manifests/m.yaml:${8 + 50_000}:7: invalid YAML: duplicate key "k7" (first at line 15, column 7)`]);
  }, 20_000);

  it('reports 30,000 schema violations as a bounded list, quickly', () => {
    let text = HEAD.replace('spec:\n', 'spec:\n  settings: {}\n') + '    properties: {}\n';
    for (let i = 0; i < 30_000; i++) text += `  bogus${i}: 1\n`;
    const ps = problemsOf(text);
    expect(ps.length).toBeLessThanOrEqual(MAX_PROBLEMS_PER_FILE + 1);
    expect(ps[0]).toMatch(/^manifests\/m\.yaml:9:3: unknown key "bogus0" in spec/);
    expect(ps.at(-1)).toMatch(/^manifests\/m\.yaml: \d+ more problems? not shown$/);
  }, 20_000);

  it('counts the problems found in its first line, not the lines shown (the "more not shown" line is no problem)', () => {
    let text = HEAD.replace('spec:\n', 'spec:\n  settings: {}\n') + '    properties: {}\n';
    for (let i = 0; i < MAX_PROBLEMS_PER_FILE + 20; i++) text += `  bogus${i}: 1\n`;
    const e = (() => {
      try {
        parseManifestTexts([{ file: 'manifests/m.yaml', text }]);
      } catch (err) {
        return err as InvalidInputError;
      }
      throw new Error('no problems');
    })();
    expect(e.message.split('\n')[0]).toBe(`${MAX_PROBLEMS_PER_FILE + 20} problems in manifests`);
    expect(e.problems.at(-1)!.message).toBe('20 more problems not shown');
  });
});
