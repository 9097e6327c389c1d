/**
 * THE deployment flow, as the README tells it, end to end through the CLI:
 *
 *   v1 manifests → plan (create) → apply
 *   change a field's type → plan says replace, and why
 *   pre-deployment: `esm apply --no-activate` (or `esm create` + `esm update --newer`): the new
 *     instance is created and filled, the alias stays on the old one
 *   documents change in the source meanwhile
 *   post-deployment: plan says catch_up_activate → apply → the alias is on the new instance,
 *     every document is there, and `esm history` shows every action with its plan id
 *
 * and an in-place change (a new field, a dynamic setting) on the same project.
 */
import { describe, expect, it } from 'vitest';
import { aliasTargets, countDocs, esm, indicesOf, metaOf, movieManifest, movies, type Movie } from '../support/apply-fixtures.js';
import { rawClient } from '../support/es.js';
import { ndjson, tempProject, type TempProject } from '../support/project.js';

const V1 = { id: 'keyword', title: 'text', genre: 'text', updated_at: 'date' };
const V2 = { ...V1, genre: 'keyword' };
const V3 = { ...V2, rating: 'float' };

interface HistoryAction {
  id: number;
  action: string;
  instance: string | null;
  status: string;
  docsAffected: number | null;
  planId: string | null;
}

const genreMovies = (n: number, o: { at?: string; from?: number } = {}): Movie[] => movies(n, o).map((m, i) => ({ ...m, genre: i % 2 ? 'drama' : 'comedy' }));

async function history(p: TempProject): Promise<HistoryAction[]> {
  return (await esm(p, ['history', '--json'])).json<{ actions: HistoryAction[] }>().actions.slice().reverse();
}

type PreDeploy = 'apply --no-activate' | 'create + update --newer';

/** The flow up to the post-deployment apply; returns what a test compares between the two pre-deployment variants. */
async function deploy(pre: PreDeploy) {
  const p = tempProject('flow');
  const alias = `${p.prefix}movies`;
  const [one, two] = [`${alias}-1`, `${alias}-2`];
  p.manifest('movies', movieManifest({ fields: V1, keepInactive: 0 }));
  const v1docs = genreMovies(100);
  p.write('data/movies.ndjson', ndjson(v1docs));

  // v1: plan says create; apply does it.
  expect((await esm(p, ['plan', '--json'])).json().masters[0].decision).toBe('create');
  await esm(p, ['apply', '--auto-approve']);
  expect(await aliasTargets(alias)).toEqual([one]);

  // A field changes type: a new instance is needed, and the plan says why.
  p.manifest('movies', movieManifest({ fields: V2, keepInactive: 0 }));
  const replace = await esm(p, ['plan', '--detailed-exitcode'], 2);
  expect(replace.stdout).toContain(`-/+ movies: replace ${one} with ${two}`);
  expect(replace.stdout).toContain('mappings.properties.genre.type: text → keyword');

  // Pre-deployment: the new instance is created and filled, nothing moves.
  if (pre === 'apply --no-activate') {
    await esm(p, ['apply', '--no-activate', '--auto-approve']);
  } else {
    await esm(p, ['create', 'movies']);
    await esm(p, ['update', 'movies', '--newer']);
  }
  expect(await aliasTargets(alias)).toEqual([one]);
  expect(await countDocs(two)).toBe(100);
  const preState = {
    indices: await indicesOf(p.prefix),
    alias: await aliasTargets(alias),
    docs: await countDocs(two),
    filled: typeof (await metaOf(two)).filledAt === 'string',
    fingerprint: (await metaOf(two)).fingerprint,
  };

  // Meanwhile the source changes: 10 documents are edited, 15 are added.
  const now = new Date().toISOString();
  const edited = v1docs.map((d, i) => (i < 10 ? { ...d, title: `${d.title} (director's cut)`, updated_at: now } : d));
  p.write('data/movies.ndjson', ndjson([...edited, ...genreMovies(15, { from: 101, at: now })]));

  // Post-deployment: the pre-built instance is caught up and activated; retention drops the old one.
  const post = (await esm(p, ['plan', '--json'])).json();
  expect(post.masters[0].decision).toBe('catch_up_activate');
  const postSteps: string[] = post.masters[0].steps.map((s: { op: string; index?: string; to?: string }) => `${s.op} ${s.index ?? s.to}`);
  expect(postSteps).toEqual([`catch_up ${two}`, `prune ${two}`, `wait ${two}`, `activate ${two}`, `drop ${one}`]);

  const applied = (await esm(p, ['apply', '--auto-approve', '--json'])).json();
  expect(applied.ok).toBe(true);
  expect(applied.masters[0].steps[0]).toEqual({ op: 'catch_up', index: two, status: 'done', docs: 25 });
  expect(await aliasTargets(alias)).toEqual([two]);
  expect(await indicesOf(p.prefix)).toEqual([two]);
  expect(await countDocs(alias)).toBe(115);
  const cut = await rawClient().search({ index: alias, query: { match_phrase: { title: "director's cut" } }, size: 0, track_total_hits: true });
  expect((cut.hits.total as { value: number }).value).toBe(10);
  const genre = await rawClient().search({ index: alias, query: { term: { genre: 'drama' } }, size: 0, track_total_hits: true });
  expect((genre.hits.total as { value: number }).value).toBe(57);

  return { p, alias, one, two, planId: applied.planId as string, preState, postSteps };
}

describe('the deployment flow', () => {
  it('pre-deployment `apply --no-activate`, then post-deployment `apply`: every action in history with its plan id', async () => {
    const { p, one, two, planId } = await deploy('apply --no-activate');
    const actions = await history(p);
    expect(actions.map((a) => `${a.action} ${a.instance} ${a.status}`)).toEqual([
      // v1 (each activation after a fill from an ndjson source with an idField: an id-set comparison first)
      `create ${one} complete`,
      `update ${one} complete`,
      `prune ${one} complete`,
      `activate ${one} complete`,
      // pre-deployment
      `create ${two} complete`,
      `update ${two} complete`,
      `partial_update ${two} complete`,
      // post-deployment: catch-up, id-set comparison, activation, retention
      `partial_update ${two} complete`,
      `prune ${two} complete`,
      `activate ${two} complete`,
      `drop ${one} complete`,
    ]);
    expect(actions.every((a) => typeof a.planId === 'string')).toBe(true);
    // Three applies, three plans; the post-deployment one carries its own id.
    expect(new Set(actions.map((a) => a.planId)).size).toBe(3);
    expect(actions.slice(-4).every((a) => a.planId === planId)).toBe(true);
    expect(actions.at(-4)!.docsAffected).toBe(25);
  });

  it('pre-deployment with `esm create` + `esm update --newer` reaches the same state', async () => {
    const a = await deploy('apply --no-activate');
    const aState = { ...a.preState, indices: a.preState.indices.map((i) => i.replace(a.p.prefix, '')), alias: a.preState.alias.map((i) => i.replace(a.p.prefix, '')) };
    await a.p.cleanup();

    const b = await deploy('create + update --newer');
    const bState = { ...b.preState, indices: b.preState.indices.map((i) => i.replace(b.p.prefix, '')), alias: b.preState.alias.map((i) => i.replace(b.p.prefix, '')) };
    expect(bState).toEqual(aState);
    expect(b.postSteps.map((s) => s.replace(b.p.prefix, ''))).toEqual(a.postSteps.map((s) => s.replace(a.p.prefix, '')));

    const actions = await history(b.p);
    expect(actions.map((x) => `${x.action} ${x.instance}`)).toEqual([
      `create ${b.one}`,
      `update ${b.one}`,
      `prune ${b.one}`,
      `activate ${b.one}`,
      `create ${b.two}`,
      `update ${b.two}`,
      `prune ${b.two}`, // a full update removes what the source no longer has, as apply does
      `partial_update ${b.two}`,
      `prune ${b.two}`,
      `activate ${b.two}`,
      `drop ${b.one}`,
    ]);
    // The commands run by hand carry no plan id; the post-deployment apply's actions carry its id.
    expect(actions.slice(4, 7).map((x) => x.planId)).toEqual([null, null, null]);
    expect(actions.slice(7).every((x) => x.planId === b.planId)).toBe(true);
  });

  it('then an in-place change: a new field and a dynamic setting change the live instance itself', async () => {
    const { p, alias, two } = await deploy('apply --no-activate');
    p.manifest('movies', movieManifest({ fields: V3, keepInactive: 0, settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '2s' } }));
    const plan = (await esm(p, ['plan', '--json'])).json();
    expect(plan.masters[0]).toMatchObject({ decision: 'in_place', active: two });
    expect(plan.masters[0].reasons.join('\n')).toContain('mappings.properties.rating: added');
    expect(plan.masters[0].steps.map((s: { op: string }) => s.op)).toEqual(['in_place', 'fill']);

    const r = (await esm(p, ['apply', '--auto-approve', '--json'])).json();
    expect(r.ok).toBe(true);
    expect(await indicesOf(p.prefix)).toEqual([two]);
    expect(await aliasTargets(alias)).toEqual([two]);
    const mapping = await rawClient().indices.getMapping({ index: two });
    expect(mapping[two]!.mappings.properties?.rating).toEqual({ type: 'float' });
    const settings = await rawClient().indices.getSettings({ index: two });
    expect(settings[two]!.settings?.index?.refresh_interval).toBe('2s');
    expect((await metaOf(two)).fingerprint).toBe(plan.masters[0].fingerprint);
    expect(await countDocs(alias)).toBe(115);

    const last = (await history(p)).filter((a) => a.planId === r.planId).map((a) => `${a.action} ${a.instance} ${a.status}`);
    expect(last).toEqual([`update_in_place ${two} complete`, `update ${two} complete`]);
    expect((await esm(p, ['plan', '--json'])).json().masters[0].decision).toBe('noop');
  });
});
