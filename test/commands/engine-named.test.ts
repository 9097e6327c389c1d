/** SPEC §10: `esm list` and `esm plan` (text, JSON, markdown) name the cluster's engine and version. */
import { beforeAll, describe, expect, it } from 'vitest';
import { esm, movieManifest, movies } from '../support/apply-fixtures.js';
import { isOpenSearch, nodeModules, testEngine } from '../support/es.js';
import { ndjson, tempProject } from '../support/project.js';

const p = tempProject('named');
const engine = () => (isOpenSearch() ? 'opensearch' : 'elasticsearch');
const label = () => `(${testEngine().name} ${testEngine().version})`;

beforeAll(() => {
  p.manifest('movies', movieManifest());
  p.write('data/movies.ndjson', ndjson(movies(3)));
  p.manifest('copies', movieManifest({ name: 'copies', data: null }).replace('spec:\n', 'spec:\n  source:\n    type: reindex\n    from: movies\n'));
});

describe('the engine and its version in outputs', () => {
  it('plan: text, JSON and markdown', async () => {
    const json = (await esm(p, ['plan', '--json'])).json();
    expect(json.cluster).toEqual({ name: expect.any(String), engine: engine(), version: testEngine().version });
    const text = (await esm(p, ['plan'])).stdout;
    expect(text.split('\n')[0]).toBe(`cluster ${json.cluster.name} ${label()}`);
    const md = (await esm(p, ['plan', '--markdown'])).stdout;
    // Markdown escapes what the cluster supplies: the words are there, the parentheses as entities.
    expect(md).toMatch(new RegExp(`<sub>cluster .*${testEngine().name} ${testEngine().version.replace(/\./g, '\\.')}.*</sub>`));
  });

  it('list: text and JSON', async () => {
    await esm(p, ['apply', '--auto-approve']);
    const json = (await esm(p, ['list', '--json'])).json();
    expect(json.cluster).toMatchObject({ engine: engine(), version: testEngine().version });
    expect(json.masters.map((m: { name: string }) => m.name).sort()).toEqual(['copies', 'movies']);
    expect((await esm(p, ['list'])).stdout.split('\n')[0]).toContain(label());
  });

  it('plan says how a reindex source runs where the cluster lacks the module', async () => {
    p.manifest('copies', movieManifest({ name: 'copies', data: null, fields: { id: 'keyword', title: 'keyword', updated_at: 'date' } }).replace('spec:\n', 'spec:\n  source:\n    type: reindex\n    from: movies\n'));
    const plan = (await esm(p, ['plan', '--json'])).json();
    const copies = plan.masters.find((m: { name: string }) => m.name === 'copies');
    expect(copies.decision).toBe('replace');
    const said = copies.reasons.some((r: string) => r.includes('no reindex module: the reindex source is copied client-side'));
    // The test node of this engine has the module (OpenSearch) or not (Elasticsearch integ-test).
    const hasModule = (await nodeModules()).has('reindex');
    expect(said).toBe(!hasModule);
  });

  it('--engine naming the other engine: exit 1, one line that says which engine answers, nothing on stdout', async () => {
    const other = isOpenSearch() ? 'elasticsearch' : 'opensearch';
    const r = await esm(p, ['list', '--engine', other], 1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      isOpenSearch()
        ? /did not identify itself as Elasticsearch .*use --engine opensearch/
        : /identifies itself as Elasticsearch \(x-elastic-product header\); use --engine elasticsearch, or leave --engine out/,
    );
    expect(r.stdout).toBe('');
  });
});
