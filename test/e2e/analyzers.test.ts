/**
 * Custom analyzers: asciifolding, synonym, edge_ngram, html_strip and the
 * `english` analyzer live in the analysis-common module. Where the node has it
 * (OpenSearch's test node) an instance is created with them, read back with the same
 * fingerprint as the manifest (no drift on the next plan), searched through them, and
 * an in-place change next to them stays in place. Where the node lacks the module
 * (Elasticsearch's integ-test distribution) apply fails clearly and activates nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { esm } from '../support/apply-fixtures.js';
import { nodeModules, testEngine } from '../support/es.js';
import { ndjson, tempProject } from '../support/project.js';

const p = tempProject('analyzers');
let hasAnalysisCommon = false;

function manifest(extra: { year?: boolean; refresh?: string } = {}): string {
  return stringify({
    apiVersion: 'esm/v1',
    kind: 'IndexMaster',
    metadata: { name: 'articles' },
    spec: {
      settings: {
        number_of_shards: 1,
        number_of_replicas: 0,
        ...(extra.refresh ? { refresh_interval: extra.refresh } : {}),
        analysis: {
          char_filter: { strip_html: { type: 'html_strip' } },
          filter: {
            folding: { type: 'asciifolding', preserve_original: true },
            synonyms: { type: 'synonym', synonyms: ['film, movie', 'tv, television'] },
            grams: { type: 'edge_ngram', min_gram: 2, max_gram: 10 },
          },
          analyzer: {
            folded: { type: 'custom', char_filter: ['strip_html'], tokenizer: 'standard', filter: ['lowercase', 'folding', 'synonyms'] },
            autocomplete: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'grams'] },
          },
        },
      },
      mappings: {
        dynamic: 'strict',
        properties: {
          id: { type: 'keyword' },
          title: { type: 'text', analyzer: 'folded', fields: { suggest: { type: 'text', analyzer: 'autocomplete', search_analyzer: 'standard' } } },
          body: { type: 'text', analyzer: 'english' },
          ...(extra.year ? { year: { type: 'integer' } } : {}),
        },
      },
      source: { type: 'ndjson', path: '../data/articles.ndjson' },
      idField: 'id',
    },
  });
}

const docs = [
  { id: 'a1', title: '<b>Café</b> Film Night', body: 'The runners were running home' },
  { id: 'a2', title: 'Television tonight', body: 'A quiet evening' },
];

async function search(index: string, query: Record<string, unknown>): Promise<string[]> {
  const res = await fetch(`${testEngine().url}/${index}/_search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, size: 10 }),
  });
  const body = (await res.json()) as { hits: { hits: Array<{ _id: string }> } };
  return body.hits.hits.map((h) => h._id).sort();
}

beforeAll(async () => {
  hasAnalysisCommon = (await nodeModules()).has('analysis-common');
  p.manifest('articles', manifest());
  p.write('data/articles.ndjson', ndjson(docs));
});

describe('custom analyzers', () => {
  it('are created, read back with the manifest’s fingerprint (no drift), and analyze as declared', async () => {
    const alias = `${p.prefix}articles`;
    if (!hasAnalysisCommon) {
      // The engine refuses the analysis the node lacks: a manifest problem found at plan, before anything is written.
      console.log(`[${testEngine().id}] the node has no analysis-common: the refusal is checked, the analyzers are not`);
      const r = await esm(p, ['apply', '--auto-approve'], 3);
      expect(r.stderr).toMatch(/the cluster refuses the spec of master articles; nothing was written\n.*articles\.yaml:\d+:\d+: articles: the cluster refuses the spec: .*(html_strip|asciifolding|synonym|edge_ngram|english)/);
      expect((await esm(p, ['list', '--json'])).json().masters[0].active).toBeNull();
      return;
    }
    await esm(p, ['apply', '--auto-approve']);
    const plan = (await esm(p, ['plan', '--json'])).json();
    expect(plan.masters[0].decision).toBe('noop');
    expect(plan.warnings).toEqual([]);
    const list = (await esm(p, ['list', '--json'])).json();
    const inst = list.masters[0].instances[0];
    expect(inst.fingerprint).toBe(plan.masters[0].fingerprint);
    expect(inst.current).toBe(true);
    // html_strip + asciifolding: "cafe" finds "<b>Café</b>"; synonym: "movie" finds "Film"; english: "run" finds "running".
    expect(await search(alias, { match: { title: 'cafe' } })).toEqual(['a1']);
    expect(await search(alias, { match: { title: 'movie' } })).toEqual(['a1']);
    expect(await search(alias, { match: { title: 'tv' } })).toEqual(['a2']);
    expect(await search(alias, { match: { body: 'run' } })).toEqual(['a1']);
    // edge_ngram: a prefix finds the title.
    expect(await search(alias, { match: { 'title.suggest': 'telev' } })).toEqual(['a2']);
  });

  it('take an in-place change beside them (a new field, a dynamic setting) without a new instance', async () => {
    if (!hasAnalysisCommon) {
      // Nothing was created on a node without the module; the plan still refuses the spec, naming why.
      expect((await esm(p, ['plan'], 3)).stderr).toMatch(/articles: the cluster refuses the spec: .*(html_strip|asciifolding|synonym|edge_ngram|english)/);
      return;
    }
    p.manifest('articles', manifest({ year: true, refresh: '5s' }));
    const plan = (await esm(p, ['plan', '--json'])).json();
    expect(plan.masters[0].decision).toBe('in_place');
    await esm(p, ['apply', '--auto-approve']);
    const after = (await esm(p, ['plan', '--json'])).json();
    expect(after.masters[0]).toMatchObject({ decision: 'noop', active: `${p.prefix}articles-1` });
    expect(after.warnings).toEqual([]);
  });
});
