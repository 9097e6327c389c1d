/**
 * Companion objects on the real node of each engine (SPEC §12). What a node lacks is
 * said in the test's name and tested as what that node answers: Elasticsearch's
 * integ-test node has no ingest processors (ingest-common), no script languages
 * (painless, mustache), no synonym filter (analysis-common), and its synonyms API
 * cannot store a set (no reindex module); the OpenSearch test node has all but the
 * synonyms API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOpenSearch, nodeModules, rawClient, testCluster, testEngine, testPrefix } from '../../test/support/es.js';
import { ClusterError } from '../errors.js';

const prefix = testPrefix('companions');
const c = testCluster();
let modules: string[] = [];
const has = (m: string) => modules.includes(m);

beforeAll(async () => {
  modules = [...(await nodeModules())];
});

afterAll(async () => {
  const es = rawClient();
  await es.ingest.deletePipeline({ id: `${prefix}*` }, { ignore: [404] });
  await es.indices.deleteIndexTemplate({ name: `${prefix}*` }, { ignore: [404] });
  await es.cluster.deleteComponentTemplate({ name: `${prefix}*` }, { ignore: [404] });
});

describe('companions in the cluster', () => {
  it('writes, reads back (this prefix only) and deletes pipelines and templates; a missing one is no error to delete', async () => {
    const other = testPrefix('othercompanions');
    await c.putCompanion('pipeline', `${prefix}p`, { description: 'nothing yet', processors: [] });
    await c.putCompanion('pipeline', `${other}p`, { processors: [] });
    await c.putCompanion('component_template', `${prefix}base`, { template: { settings: { number_of_shards: 1 } }, _meta: { esm: { name: 'base' } } });
    await c.putCompanion('index_template', `${prefix}logs`, {
      index_patterns: [`${prefix}logs-*`],
      composed_of: [`${prefix}base`],
      priority: 500,
      _meta: { esm: { name: 'logs' } },
    });
    const live = await c.companions({ prefix, scripts: [], synonyms: false });
    // Elasticsearch 9 adds created_date_millis and modified_date_millis.
    expect(Object.keys(live.pipelines)).toEqual([`${prefix}p`]);
    expect(live.pipelines[`${prefix}p`]).toMatchObject({ description: 'nothing yet', processors: [] });
    expect(Object.keys(live.componentTemplates)).toEqual([`${prefix}base`]);
    expect(live.componentTemplates[`${prefix}base`]).toMatchObject({ template: { settings: { index: { number_of_shards: '1' } } }, _meta: { esm: { name: 'base' } } });
    expect(live.indexTemplates[`${prefix}logs`]).toMatchObject({ index_patterns: [`${prefix}logs-*`], composed_of: [`${prefix}base`], priority: 500 });
    expect(live.pipelineMarker).toBe(isOpenSearch() ? 'description' : 'meta');
    expect(live.synonymSets).toBeNull();

    await c.deleteCompanion('index_template', `${prefix}logs`);
    await c.deleteCompanion('component_template', `${prefix}base`);
    await c.deleteCompanion('pipeline', `${prefix}p`);
    await c.deleteCompanion('pipeline', `${other}p`);
    await c.deleteCompanion('pipeline', `${prefix}p`);
    expect(await c.companions({ prefix, scripts: [`${prefix}none`], synonyms: false })).toMatchObject({
      pipelines: {},
      indexTemplates: {},
      componentTemplates: {},
      scripts: { [`${prefix}none`]: null },
    });
  });

  it('a pipeline’s _meta: kept by Elasticsearch, refused by OpenSearch (why esm marks OpenSearch pipelines in their description)', async () => {
    const put = c.putCompanion('pipeline', `${prefix}meta`, { processors: [], _meta: { esm: { name: 'meta' } } });
    if (isOpenSearch()) {
      await expect(put).rejects.toThrow(/doesn't support one or more provided configuration parameters \[_meta\]/);
      return;
    }
    await put;
    expect((await c.companions({ prefix, scripts: [], synonyms: false })).pipelines[`${prefix}meta`]).toMatchObject({ _meta: { esm: { name: 'meta' } } });
    await c.deleteCompanion('pipeline', `${prefix}meta`);
  });

  it('stored scripts (painless and mustache) where the node has the languages; elsewhere the engine’s refusal', async () => {
    const id = `${prefix}by-title`;
    const put = c.putCompanion('script', id, { script: { lang: 'mustache', source: { query: { match: { title: '{{q}}' } } } } });
    if (!has('lang-mustache')) {
      // Elasticsearch's integ-test node (testEngine().id === 'elasticsearch*') has no script language.
      await expect(put).rejects.toThrow(ClusterError);
      return;
    }
    await put;
    await c.putCompanion('script', `${prefix}bump`, { script: { lang: 'painless', source: 'ctx._source.n = 1' } });
    const live = await c.companions({ prefix, scripts: [id, `${prefix}bump`], synonyms: false });
    expect(live.scripts[id]).toMatchObject({ lang: 'mustache', source: '{"query":{"match":{"title":"{{q}}"}}}' });
    expect(live.scripts[`${prefix}bump`]).toEqual({ lang: 'painless', source: 'ctx._source.n = 1' });
    await c.deleteCompanion('script', id);
    await c.deleteCompanion('script', `${prefix}bump`);
    expect((await c.companions({ prefix, scripts: [id], synonyms: false })).scripts[id]).toBeNull();
  });

  it('knows whether it can store synonym sets by asking, and says why not', async () => {
    const api = await c.synonymsApi();
    expect(api.available).toBe(false);
    const engine = `${testEngine().name} ${testEngine().version}`;
    if (isOpenSearch()) expect(api.reason).toBe(`${engine} has no synonyms API (GET _synonyms is refused)`);
    else expect(api.reason).toBe(`${engine} answers GET _synonyms, but without the reindex module it cannot store a synonym set`);
  });

  it('simulates a pipeline without storing it: a processor the engine lacks is refused with its reason', async () => {
    await expect(c.simulatePipeline({ processors: [{ no_such_processor: {} }] }, [{ a: 1 }])).rejects.toThrow(
      /No processor type exists with name \[no_such_processor\]/,
    );
    expect(await c.simulatePipeline({ processors: [] }, [{ a: 1 }])).toEqual([{ ok: true, source: { a: 1 } }]);
    if (!has('ingest-common')) return;
    const docs = await c.simulatePipeline({ processors: [{ lowercase: { field: 'genre' } }] }, [{ genre: 'SciFi' }, { title: 'no genre' }]);
    expect(docs[0]).toEqual({ ok: true, source: { genre: 'scifi' } });
    expect(docs[1]).toMatchObject({ ok: false, error: expect.stringMatching(/field \[genre\] not present/) });
  });

  it('checks synonym rules with _analyze: a rule the engine cannot parse is refused (needs the synonym filter: analysis-common)', async () => {
    const bad = c.analyzeWithFilter({ type: 'synonym', synonyms: ['sci-fi, science fiction', 'film => '] });
    if (!has('analysis-common')) {
      await expect(bad).rejects.toThrow(/synonym/);
      return;
    }
    await expect(bad).rejects.toThrow(ClusterError);
    await expect(c.analyzeWithFilter({ type: 'synonym', synonyms: ['sci-fi, science fiction', 'film => movie'] })).resolves.toBeUndefined();
  });
});
