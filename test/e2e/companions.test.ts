/**
 * Companion objects on real nodes (SPEC §12). What runs where is said in
 * each test's name:
 * - the OpenSearch test node has ingest-common, lang-mustache and analysis-common but
 *   no synonyms API: pipelines with real processors, mustache search templates run by
 *   id, synonym sets inlined into the masters' analysis;
 * - Elasticsearch's integ-test nodes (8 and 9) have none of those modules, and their
 *   synonyms API cannot store a set (no reindex module): there esm is tested with
 *   pipelines without processors, index and component templates, and the plan saying
 *   why synonym sets are inlined. The tests that need the modules are skipped there
 *   (counted as skipped, never as passed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { esm } from '../support/apply-fixtures.js';
import { isOpenSearch, nodeModules, rawClient, testEngine } from '../support/es.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { ndjson, tempProject, type TempProject } from '../support/project.js';

const modules = await nodeModules();
/** The node runs pipelines with processors, mustache templates and synonym filters. */
const full = ['ingest-common', 'lang-mustache', 'analysis-common'].every((m) => modules.has(m));
const NEEDS = '(needs ingest-common, lang-mustache, analysis-common: the OpenSearch test node)';

const doc = (o: Record<string, unknown>) => o;
const DOCS = [
  doc({ id: '1', title: 'A science fiction film', genre: 'SciFi' }),
  doc({ id: '2', title: 'A quiet drama', genre: 'Drama' }),
  doc({ id: '3', title: 'Late night television', genre: 'Talk' }),
];

function moviesManifest(o: { refill?: boolean; pipeline?: boolean; synonyms?: boolean } = {}): string {
  const synonyms = o.synonyms ?? true;
  return stringify({
    apiVersion: 'esm/v1',
    kind: 'IndexMaster',
    metadata: { name: 'movies' },
    spec: {
      settings: {
        number_of_shards: 1,
        number_of_replicas: 0,
        ...(o.pipeline === false ? {} : { default_pipeline: 'movies-enrich' }),
        ...(synonyms
          ? {
              analysis: {
                filter: { movie_synonyms: { type: 'synonym_graph', synonyms_set: 'movie-synonyms' } },
                analyzer: { title_search: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'movie_synonyms'] } },
              },
            }
          : {}),
      },
      mappings: {
        dynamic: 'strict',
        properties: { id: { type: 'keyword' }, title: { type: 'text', ...(synonyms ? { search_analyzer: 'title_search' } : {}) }, genre: { type: 'keyword' }, indexed_at: { type: 'date' } },
      },
      source: { type: 'ndjson', path: '../data/movies.ndjson' },
      idField: 'id',
      ...(o.refill ? { refillOnPipelineChange: true } : {}),
    },
  });
}

const docs = (...items: Array<Record<string, unknown>>) => items.map((i) => `---\n${stringify({ apiVersion: 'esm/v1', ...i })}`).join('');

function companionsYaml(o: { processor?: string; synonyms?: string[]; script?: boolean } = {}): string {
  return docs(
    {
      kind: 'IngestPipeline',
      metadata: { name: 'movies-enrich' },
      spec: { description: 'normalise the genre, stamp the time', processors: [{ [o.processor ?? 'lowercase']: { field: 'genre' } }, { set: { field: 'indexed_at', value: '{{_ingest.timestamp}}' } }] },
    },
    { kind: 'SynonymSet', metadata: { name: 'movie-synonyms' }, spec: { synonyms: o.synonyms ?? ['sci-fi, science fiction', 'film => movie'] } },
    ...(o.script === false ? [] : [{ kind: 'StoredScript', metadata: { name: 'movies-by-title' }, spec: { lang: 'mustache', source: { query: { match: { title: '{{q}}' } } } } }]),
  );
}

async function search(index: string, body: Record<string, unknown>, path = '_search'): Promise<string[]> {
  const res = await fetch(`${testEngine().url}/${index}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as { hits?: { hits: Array<{ _id: string }> }; error?: unknown };
  if (!json.hits) throw new Error(`search ${index}/${path} failed: ${JSON.stringify(json)}`);
  return json.hits.hits.map((h) => h._id).sort();
}

async function pipeline(id: string): Promise<Record<string, unknown> | null> {
  const res = await fetch(`${testEngine().url}/_ingest/pipeline/${id}`);
  if (res.status === 404) return null;
  return ((await res.json()) as Record<string, Record<string, unknown>>)[id] ?? null;
}

async function script(id: string): Promise<boolean> {
  const res = await fetch(`${testEngine().url}/_scripts/${id}`);
  return ((await res.json()) as { found: boolean }).found;
}

async function put(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${testEngine().url}/${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`);
}

/** The indices first: Elasticsearch refuses to delete a pipeline an index names as its default. */
async function cleanupPipelines(p: TempProject): Promise<void> {
  await p.cleanup();
  await rawClient().ingest.deletePipeline({ id: `${p.prefix}*` }, { ignore: [404] });
}

async function source(index: string, id: string): Promise<Record<string, unknown>> {
  return (await rawClient().get({ index, id }))._source as Record<string, unknown>;
}

describe(`companions with real processors, search templates and synonyms ${NEEDS}`, () => {
  const p = tempProject('companions');
  const alias = `${p.prefix}movies`;
  beforeAll(() => {
    p.manifest('movies', moviesManifest());
    p.manifest('companions', companionsYaml());
    p.write('data/movies.ndjson', ndjson(DOCS));
  });
  afterAll(async () => {
    await fetch(`${testEngine().url}/_scripts/${p.prefix}movies-by-title`, { method: 'DELETE' });
    await cleanupPipelines(p);
  });

  it.skipIf(!full)('creates the companions under the prefix; documents go through the pipeline, search through the synonyms, a search template runs by id; then the plan is empty', async () => {
    const planned = (await esm(p, ['plan', '--json'])).json();
    expect(planned.companions.map((c: { id: string; action: string }) => `${c.id}:${c.action}`)).toEqual([
      `${p.prefix}movies-by-title:create`,
      `${p.prefix}movie-synonyms:inline`,
      `${p.prefix}movies-enrich:create`,
    ]);
    expect(planned.synonyms).toEqual({ path: 'inline', reason: `OpenSearch ${testEngine().version} has no synonyms API (GET _synonyms is refused)` });
    await esm(p, ['apply', '--auto-approve']);

    expect(await pipeline(`${p.prefix}movies-enrich`)).toMatchObject({ description: 'normalise the genre, stamp the time [esm movies-enrich]' });
    const one = await source(alias, '1');
    expect(one).toMatchObject({ genre: 'scifi', indexed_at: expect.any(String) });
    expect(await search(alias, { query: { match: { title: 'sci-fi' } } })).toEqual(['1']);
    expect(await search(alias, { id: `${p.prefix}movies-by-title`, params: { q: 'drama' } }, '_search/template')).toEqual(['2']);

    expect((await p.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
    const list = (await esm(p, ['list', '--json'])).json();
    expect(list.companions).toEqual([
      { kind: 'StoredScript', name: 'movies-by-title', id: `${p.prefix}movies-by-title`, status: 'current', usedBy: [] },
      { kind: 'SynonymSet', name: 'movie-synonyms', id: `${p.prefix}movie-synonyms`, status: 'inline', usedBy: ['movies'], synonyms: 'inline' },
      { kind: 'IngestPipeline', name: 'movies-enrich', id: `${p.prefix}movies-enrich`, status: 'current', usedBy: ['movies'] },
    ]);
    const history = (await esm(p, ['history', '--json'])).json().actions.map((a: { action: string; instance: string }) => `${a.action} ${a.instance}`);
    expect(history).toEqual(expect.arrayContaining([`companion_create IngestPipeline/${p.prefix}movies-enrich`, `companion_create StoredScript/${p.prefix}movies-by-title`]));
  });

  it.skipIf(!full)('a pipeline change is an update of the pipeline, not a new instance: documents indexed afterwards go through it', async () => {
    p.manifest('companions', companionsYaml({ processor: 'uppercase' }));
    const planned = (await esm(p, ['plan', '--json'])).json();
    const enrich = planned.companions.find((c: { name: string }) => c.name === 'movies-enrich');
    expect(enrich).toMatchObject({ action: 'update', changes: ['processors[0].lowercase: {"field":"genre"} → (unset)', 'processors[0].uppercase: (unset) → {"field":"genre"}'] });
    expect(planned.masters[0]).toMatchObject({ decision: 'noop', steps: [] });
    await esm(p, ['apply', '--auto-approve']);
    expect(Object.keys(await rawClient().indices.getAlias({ name: alias }))).toEqual([`${p.prefix}movies-1`]);
    await rawClient().index({ index: alias, id: '9', document: { id: '9', title: 'New', genre: 'Comedy' }, refresh: true });
    expect(await source(alias, '9')).toMatchObject({ genre: 'COMEDY' });
    expect(await source(alias, '1')).toMatchObject({ genre: 'scifi' });
    expect((await p.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it.skipIf(!full)('a pipeline changed by hand is drift the next plan shows, and apply restores', async () => {
    await put(`_ingest/pipeline/${p.prefix}movies-enrich`, { description: 'hand made', processors: [] });
    const r = await p.cli(['plan', '--detailed-exitcode']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`~ IngestPipeline movies-enrich (${p.prefix}movies-enrich): update`);
    expect(r.stdout).toContain(`# ingest pipeline ${p.prefix}movies-enrich was changed in the cluster since esm wrote it (esm's mark is gone: changed by hand?)`);
    await esm(p, ['apply', '--auto-approve']);
    expect(await pipeline(`${p.prefix}movies-enrich`)).toMatchObject({ processors: [{ uppercase: { field: 'genre' } }, expect.anything()] });
    expect((await p.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it.skipIf(!full)('a synonym change is planned with its reason (its rules are inlined: a new instance) and works after apply', async () => {
    expect(await search(alias, { query: { match: { title: 'tv' } } })).toEqual([]);
    p.manifest('companions', companionsYaml({ processor: 'uppercase', synonyms: ['sci-fi, science fiction', 'film => movie', 'tv, television'] }));
    const planned = (await esm(p, ['plan', '--json'])).json();
    expect(planned.masters[0].decision).toBe('replace');
    expect(planned.masters[0].reasons[0]).toBe(
      `synonym set movie-synonyms changed: its rules are inlined into ${p.prefix}movies-1's analysis (filter movie_synonyms), because OpenSearch ${testEngine().version} has no synonyms API (GET _synonyms is refused), so a new instance is needed`,
    );
    await esm(p, ['apply', '--auto-approve']);
    expect(Object.keys(await rawClient().indices.getAlias({ name: alias }))).toEqual([`${p.prefix}movies-2`]);
    expect(await search(alias, { query: { match: { title: 'tv' } } })).toEqual(['3']);
    expect((await p.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it.skipIf(!full)('a companion no manifest declares any more is an orphan: kept by apply, deleted by apply --prune', async () => {
    p.manifest('companions', companionsYaml({ processor: 'uppercase', synonyms: ['sci-fi, science fiction', 'film => movie', 'tv, television'], script: false }));
    const planned = (await esm(p, ['plan', '--json'])).json();
    expect(planned.companions.find((c: { kind: string }) => c.kind === 'StoredScript')).toMatchObject({ id: `${p.prefix}movies-by-title`, action: 'orphan' });
    expect((await p.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
    await esm(p, ['apply', '--auto-approve']);
    expect(await script(`${p.prefix}movies-by-title`)).toBe(true);
    const pruned = await esm(p, ['apply', '--prune', '--auto-approve']);
    expect(pruned.stdout).toContain(`StoredScript ${p.prefix}movies-by-title: delete done`);
    expect(await script(`${p.prefix}movies-by-title`)).toBe(false);
    expect((await esm(p, ['plan', '--json'])).json().companions.map((c: { kind: string }) => c.kind)).toEqual(['SynonymSet', 'IngestPipeline']);
  });

  it.skipIf(!full)('spec.refillOnPipelineChange: a pipeline change fills the active instance again, through the new pipeline', async () => {
    p.manifest('movies', moviesManifest({ refill: true }));
    p.manifest('companions', companionsYaml({ processor: 'lowercase', synonyms: ['sci-fi, science fiction', 'film => movie', 'tv, television'], script: false }));
    const planned = (await esm(p, ['plan', '--json'])).json();
    expect(planned.masters[0]).toMatchObject({ decision: 'in_place', steps: [{ op: 'fill', index: `${p.prefix}movies-2`, mode: 'full' }] });
    expect(await source(alias, '1')).toMatchObject({ genre: 'SCIFI' });
    await esm(p, ['apply', '--auto-approve']);
    expect(await source(alias, '1')).toMatchObject({ genre: 'scifi' });
    expect((await p.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
  });
});

/** A project with a master using a pipeline (no processors: every node runs it) and an index template composed of a component. */
function basicProject(label: string): TempProject {
  const p = tempProject(label);
  p.manifest(
    'books',
    stringify({
      apiVersion: 'esm/v1',
      kind: 'IndexMaster',
      metadata: { name: 'books' },
      spec: {
        settings: { number_of_shards: 1, number_of_replicas: 0, index: { default_pipeline: 'books-in' } },
        mappings: { properties: { id: { type: 'keyword' }, title: { type: 'text' } } },
        source: { type: 'ndjson', path: '../data/books.ndjson' },
        idField: 'id',
      },
    }),
  );
  p.manifest(
    'notes',
    stringify({ apiVersion: 'esm/v1', kind: 'IndexMaster', metadata: { name: 'notes' }, spec: { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: { properties: { t: { type: 'text' } } } } }),
  );
  p.manifest('companions', basicCompanions());
  p.write('data/books.ndjson', ndjson([{ id: 'b1', title: 'Dune' }]));
  return p;
}

function basicCompanions(o: { refresh?: string; description?: string } = {}): string {
  return docs(
    { kind: 'IngestPipeline', metadata: { name: 'books-in' }, spec: { description: o.description ?? 'books come in as they are', processors: [] } },
    { kind: 'ComponentTemplate', metadata: { name: 'base' }, spec: { template: { settings: { number_of_replicas: 0, refresh_interval: o.refresh ?? '5s' } } } },
    { kind: 'IndexTemplate', metadata: { name: 'logs' }, spec: { index_patterns: ['logs-*'], composed_of: ['base'], priority: 300, template: { mappings: { properties: { message: { type: 'text' } } } } } },
  );
}

describe(`pipelines without processors, index and component templates (every node: ${testEngine().name} ${testEngine().version})`, () => {
  const p = basicProject('companionsbasic');
  afterAll(async () => {
    await rawClient().indices.deleteIndexTemplate({ name: `${p.prefix}*` }, { ignore: [404] });
    await rawClient().cluster.deleteComponentTemplate({ name: `${p.prefix}*` }, { ignore: [404] });
    await cleanupPipelines(p);
  });

  it('creates them under the prefix with esm’s mark, before the master that uses them; then the plan is empty', async () => {
    const applied = await esm(p, ['apply', '--auto-approve']);
    expect(applied.stdout).toContain('Apply complete: 2 masters and 3 companion objects changed.');
    const pipe = await pipeline(`${p.prefix}books-in`);
    expect(pipe).toMatchObject(isOpenSearch() ? { description: 'books come in as they are [esm books-in]' } : { _meta: { esm: { name: 'books-in' } } });
    const t = await rawClient().indices.getIndexTemplate({ name: `${p.prefix}logs` });
    expect(t.index_templates[0]!.index_template).toMatchObject({ index_patterns: [`${p.prefix}logs-*`], composed_of: [`${p.prefix}base`], _meta: { esm: { name: 'logs' } } });
    const settings = await rawClient().indices.getSettings({ index: `${p.prefix}books-1` });
    expect(Object.values(settings)[0]!.settings!.index!.default_pipeline).toBe(`${p.prefix}books-in`);
    // The template applies to the environment's own names.
    await rawClient().indices.create({ index: `${p.prefix}logs-1` });
    const logs = await rawClient().indices.getSettings({ index: `${p.prefix}logs-1` });
    expect(Object.values(logs)[0]!.settings!.index!.refresh_interval).toBe('5s');
    expect((await p.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('a template change is an update in place; a companion changed by hand is restored', async () => {
    p.manifest('companions', basicCompanions({ refresh: '10s' }));
    const planned = (await esm(p, ['plan', '--json'])).json();
    expect(planned.companions.find((c: { name: string }) => c.name === 'base')).toMatchObject({ action: 'update', changes: ['template.settings.refresh_interval: "5s" → "10s"'] });
    await esm(p, ['apply', '--auto-approve']);
    await put(`_ingest/pipeline/${p.prefix}books-in`, { description: 'changed by hand', processors: [] });
    expect((await p.cli(['plan', '--detailed-exitcode'])).code).toBe(2);
    await esm(p, ['apply', '--auto-approve']);
    expect(await pipeline(`${p.prefix}books-in`)).toMatchObject({ description: expect.stringMatching(/^books come in as they are/) });
    expect((await p.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('--no-activate creates new companions and leaves the ones live indices use as they are, for the post-deployment apply', async () => {
    p.manifest('extra', docs({ kind: 'IngestPipeline', metadata: { name: 'extra' }, spec: { processors: [] } }));
    p.manifest('companions', basicCompanions({ refresh: '20s' }));
    const pre = await esm(p, ['apply', '--no-activate', '--auto-approve']);
    expect(pre.stdout).toContain(`IngestPipeline ${p.prefix}extra: create done`);
    expect(pre.stdout).toContain(`ComponentTemplate ${p.prefix}base: update skipped (--no-activate (a change of this object would reach the live indices))`);
    expect(await pipeline(`${p.prefix}extra`)).not.toBeNull();
    const base = await rawClient().cluster.getComponentTemplate({ name: `${p.prefix}base` });
    expect(base.component_templates[0]!.component_template.template.settings).toMatchObject({ index: { refresh_interval: '10s' } });
    await esm(p, ['apply', '--auto-approve']);
    const after = await rawClient().cluster.getComponentTemplate({ name: `${p.prefix}base` });
    expect(after.component_templates[0]!.component_template.template.settings).toMatchObject({ index: { refresh_interval: '20s' } });
    p.manifest('extra', '');
    await esm(p, ['apply', '--prune', '--auto-approve']);
    p.manifest('companions', basicCompanions({ refresh: '10s' }));
    await esm(p, ['apply', '--auto-approve']);
  });

  it('refuses (exit 4) to overwrite a same-named object esm did not create, naming it; nothing is changed', async () => {
    await put(`_ingest/pipeline/${p.prefix}theirs`, { description: 'someone else’s', processors: [] });
    p.manifest('theirs', docs({ kind: 'IngestPipeline', metadata: { name: 'theirs' }, spec: { description: 'ours', processors: [] } }));
    p.manifest('companions', basicCompanions({ refresh: '10s', description: 'changed too' }));
    const r = await p.cli(['apply', '--auto-approve']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`ingest pipeline ${p.prefix}theirs exists, differs from the manifest and was not created by esm`);
    const theirs = await pipeline(`${p.prefix}theirs`);
    expect({ description: theirs?.description, processors: theirs?.processors, _meta: theirs?._meta }).toEqual({ description: 'someone else’s', processors: [], _meta: undefined });
    expect(await pipeline(`${p.prefix}books-in`)).toMatchObject({ description: expect.stringMatching(/^books come in as they are/) });
    p.manifest('theirs', '');
    p.manifest('companions', basicCompanions({ refresh: '10s' }));
  });

  it('the template no manifest declares any more is an orphan until --prune, deleted before the component it is composed of', async () => {
    p.manifest('companions', docs({ kind: 'IngestPipeline', metadata: { name: 'books-in' }, spec: { description: 'books come in as they are', processors: [] } }));
    const planned = (await esm(p, ['plan', '--json'])).json();
    expect(planned.companions.map((c: { kind: string; action: string }) => `${c.kind}:${c.action}`)).toEqual(['IngestPipeline:noop', 'IndexTemplate:orphan', 'ComponentTemplate:orphan']);
    await esm(p, ['apply', '--auto-approve']);
    expect((await rawClient().indices.existsIndexTemplate({ name: `${p.prefix}logs` }))).toBe(true);
    await esm(p, ['apply', '--prune', '--auto-approve']);
    expect((await rawClient().indices.existsIndexTemplate({ name: `${p.prefix}logs` }))).toBe(false);
    expect((await rawClient().cluster.existsComponentTemplate({ name: `${p.prefix}base` }))).toBe(false);
    expect((await p.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it(`says how synonym sets reach this node (${isOpenSearch() ? 'no synonyms API' : 'its synonyms API cannot store a set without the reindex module'})`, async () => {
    p.manifest('synonyms', docs({ kind: 'SynonymSet', metadata: { name: 'syn' }, spec: { synonyms: ['a, b'] } }));
    const planned = (await esm(p, ['plan', '--json'])).json();
    const who = `${testEngine().name} ${testEngine().version}`;
    expect(planned.synonyms).toEqual({
      path: 'inline',
      reason: isOpenSearch() ? `${who} has no synonyms API (GET _synonyms is refused)` : `${who} answers GET _synonyms, but without the reindex module it cannot store a synonym set`,
    });
    p.manifest('synonyms', '');
  });
});

describe('bad input is refused before anything is written (exit 3, file:line:col of the companion)', () => {
  const p = tempProject('companionsbad');
  beforeAll(() => {
    p.write('data/movies.ndjson', ndjson(DOCS));
  });
  afterAll(async () => {
    await rawClient().indices.deleteIndexTemplate({ name: `${p.prefix}*` }, { ignore: [404] });
    await cleanupPipelines(p);
  });

  async function refused(): Promise<string> {
    for (const cmd of [['plan'], ['apply', '--auto-approve']]) {
      const r = await p.cli(cmd);
      expect(r.code, r.stderr).toBe(3);
      if (cmd[0] === 'apply') {
        // Nothing was written: no pipeline, no template, no index under the prefix.
        expect(await pipeline(`${p.prefix}movies-enrich`)).toBeNull();
        expect(Object.keys(await rawClient().indices.get({ index: `${p.prefix}*`, allow_no_indices: true }))).toEqual([]);
      }
    }
    return (await p.cli(['plan'])).stderr;
  }

  it('a processor the engine does not know, at the processor', async () => {
    p.manifest('movies', moviesManifest({ synonyms: false }));
    p.manifest('companions', docs({ kind: 'IngestPipeline', metadata: { name: 'movies-enrich' }, spec: { processors: [{ no_such_processor: { field: 'genre' } }] } }));
    const err = await refused();
    expect(err).toContain(`manifests/companions.yaml:8:7: the engine refuses ingest pipeline ${p.prefix}movies-enrich: `);
    expect(err).toContain('No processor type exists with name [no_such_processor]');
  });

  it.skipIf(!full)(`a pipeline that fails on a document of the master’s source names the document ${NEEDS}`, async () => {
    p.manifest('companions', docs({ kind: 'IngestPipeline', metadata: { name: 'movies-enrich' }, spec: { processors: [{ lowercase: { field: 'genre' } }, { lowercase: { field: 'rating' } }] } }));
    const err = await refused();
    expect(err).toContain(`manifests/companions.yaml:2:1: ingest pipeline ${p.prefix}movies-enrich fails on document 1 of 3 of the source of movies (id "1"): `);
    expect(err).toMatch(/field \[rating\] not present/);
  });

  it.skipIf(!full)(`a synonym rule the engine rejects, at the rule ${NEEDS}`, async () => {
    p.manifest('movies', moviesManifest({ pipeline: false }));
    p.manifest('companions', docs({ kind: 'SynonymSet', metadata: { name: 'movie-synonyms' }, spec: { synonyms: ['sci-fi, science fiction', 'film => '] } }));
    const err = await refused();
    expect(err).toContain('manifests/companions.yaml:9:7: the engine refuses rule 2 "film => " of synonym set movie-synonyms: ');
  });

  it('a template whose composition the engine refuses (_index_template/_simulate)', async () => {
    p.manifest('movies', '');
    p.manifest('companions', docs({ kind: 'IndexTemplate', metadata: { name: 'logs' }, spec: { index_patterns: ['logs-*'], template: { mappings: { properties: { n: { type: 'dubble' } } } } } }));
    const err = await refused();
    expect(err).toMatch(new RegExp(`manifests/companions\\.yaml:6:1: the engine refuses index template ${p.prefix}logs: .*dubble`));
  });
});

describe('a companion that fails to apply stops the masters that use it, and only those', () => {
  const p = basicProject('companionsfail');
  afterAll(async () => {
    await rawClient().indices.deleteIndexTemplate({ name: `${p.prefix}*` }, { ignore: [404] });
    await rawClient().cluster.deleteComponentTemplate({ name: `${p.prefix}*` }, { ignore: [404] });
    await cleanupPipelines(p);
  });

  it('the pipeline’s write fails (the cluster answers 503 to it): books is not created against a missing pipeline, notes and the templates are', async () => {
    const proxy = await startFaultProxy(testEngine().url, {
      match: (req) => req.method === 'PUT' && req.path.startsWith(`/_ingest/pipeline/${p.prefix}books-in`),
      failFirst: Infinity,
      status: 503,
    });
    try {
      const r = await p.cli(['apply', '--auto-approve', '--json'], { env: { ESM_URL: proxy.url, ESM_TIMEOUT: '2s' } });
      expect(r.code).toBe(1);
      const result = r.json();
      expect(result.companions.map((c: { name: string; status: string }) => `${c.name}:${c.status}`)).toEqual(['base:done', 'books-in:failed', 'logs:done']);
      const books = result.masters.find((m: { name: string }) => m.name === 'books');
      expect(books).toMatchObject({ ok: false, error: 'not run: IngestPipeline books-in, which this master uses, failed' });
      expect(result.masters.find((m: { name: string }) => m.name === 'notes')).toMatchObject({ ok: true });
    } finally {
      await proxy.close();
    }
    expect(Object.keys(await rawClient().indices.get({ index: `${p.prefix}*` })).sort()).toEqual([`${p.prefix}notes-1`]);
    const history = (await esm(p, ['history', '--json'])).json().actions;
    expect(history.find((a: { instance: string }) => a.instance === `IngestPipeline/${p.prefix}books-in`)).toMatchObject({ action: 'companion_create', status: 'failed' });
    // The next apply, with the cluster answering, finishes the job.
    await esm(p, ['apply', '--auto-approve']);
    expect((await p.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
  });
});
