/**
 * Fault suite: the history tells what happened in the cluster. The
 * post-deployment `esm apply` of a master whose new instance was filled by the
 * pre-deployment step, and whose source lost ids since, runs four changing calls:
 * the prune's bulk delete, the `_aliases` swap, the delete of the old instance and
 * the release of the apply lock. At each of them, through a recording fault proxy
 * in front of the real node, the call is executed and its answer cut (once, and on
 * every attempt), or esm is killed (-9) right after the node executed it. After
 * one re-run the cluster is in the desired state AND the history says so: the last
 * row of each action is `complete`, with the cluster's counts, and nothing is left
 * queued, running or failed.
 */
import { describe, expect, it } from 'vitest';
import { LOCK_INDEX, lockId } from '../../src/cluster/lock.js';
import type { ActionRecord } from '../../src/history/index.js';
import { esUrl, rawClient } from '../support/es.js';
import { startFaultProxy, type FaultPlan, type FaultProxy } from '../support/fault-proxy.js';
import { killWhen } from '../support/kill.js';
import { manifestYaml } from '../support/manifest-builders.js';
import { ndjson, type TempProject } from '../support/project.js';
import { actions, aliasTargets, movies, ok, project } from '../commands/helpers.js';

/** Documents of the pre-deployment fill; the source then loses LOST of them. */
const FILLED = 60;
const LOST = 10;

/** movies-1 active; movies-2 (a new spec) filled with FILLED documents, not active; then the source loses LOST ids. */
async function aPendingActivation(): Promise<{ p: TempProject; source: string[] }> {
  const p = project('hst', { movies: { docs: 40, keepInactive: 0 } });
  await ok(p, ['apply', '--auto-approve']);
  p.manifest('movies', manifestYaml({ name: 'movies', keepInactive: 0, settings: { number_of_shards: 2, number_of_replicas: 0 } }));
  p.write('data/movies.ndjson', ndjson(movies(FILLED)));
  await ok(p, ['apply', '--auto-approve', '--no-activate']);
  expect(await aliasTargets(`${p.prefix}movies`)).toEqual([`${p.prefix}movies-1`]);
  const kept = movies(FILLED).filter((_, i) => i % (FILLED / LOST) !== 1);
  expect(kept).toHaveLength(FILLED - LOST);
  p.write('data/movies.ndjson', ndjson(kept));
  return { p, source: kept.map((d) => d.id).sort() };
}

type Point = 'prune' | 'activate' | 'drop' | 'lock';

/** The changing call of each point, as the proxy sees it. */
function callOf(point: Point, p: TempProject): FaultPlan['match'] {
  switch (point) {
    case 'prune':
      return (r) => r.method === 'POST' && r.path.startsWith('/_bulk') && r.body.includes('"delete"');
    case 'activate':
      return (r) => r.method === 'POST' && r.path.startsWith('/_aliases');
    case 'drop':
      return (r) => r.method === 'DELETE' && r.path.startsWith(`/${p.prefix}movies-1`);
    case 'lock':
      return (r) => r.method === 'DELETE' && r.path.startsWith(`/${LOCK_INDEX}/_doc/${encodeURIComponent(lockId(p.prefix))}`);
  }
}

/** The desired state: the alias on movies-2 only, movies-1 gone, movies-2 holding exactly the source's ids, no lock left. */
async function expectDesiredState(p: TempProject, source: string[]): Promise<void> {
  const two = `${p.prefix}movies-2`;
  expect(await aliasTargets(`${p.prefix}movies`)).toEqual([two]);
  expect(await rawClient().indices.exists({ index: `${p.prefix}movies-1` })).toBe(false);
  await rawClient().indices.refresh({ index: two });
  const res = await rawClient().search({ index: two, size: 1000, _source: false });
  expect(res.hits.hits.map((h) => h._id).sort()).toEqual(source);
  expect((await rawClient().get({ index: LOCK_INDEX, id: lockId(p.prefix) }, { ignore: [404] })).found).toBe(false);
}

/** The newest row of `action`. */
const lastOf = (rows: ActionRecord[], action: ActionRecord['action']) => rows.find((a) => a.action === action);

/** The history after the re-run: every action of the activation complete, the prune's count that of the cluster, nothing unsettled. */
function expectTruthfulHistory(p: TempProject, rows: ActionRecord[]): void {
  expect(rows.filter((a) => ['queued', 'in_progress', 'failed', 'aborted'].includes(a.status)).map((a) => [a.id, a.action, a.status, a.error])).toEqual([]);
  // A step a killed run queued and never reached is `abandoned`, and a later row of the same action on the same index is complete.
  for (const a of rows.filter((r) => r.status === 'abandoned')) {
    expect(a.error).toMatch(/ended before reaching this action$/);
    expect(rows.some((b) => b.id > a.id && b.action === a.action && b.instance === a.instance && b.status === 'complete'), `${a.action} ${a.instance}`).toBe(true);
  }
  expect(lastOf(rows, 'activate')).toMatchObject({ status: 'complete', instance: `${p.prefix}movies-2`, error: null });
  expect(lastOf(rows, 'drop')).toMatchObject({ status: 'complete', instance: `${p.prefix}movies-1`, error: null });
  expect(lastOf(rows, 'prune')).toMatchObject({ status: 'complete', instance: `${p.prefix}movies-2`, error: null });
  // The LOST documents were deleted once, and the rows that deleted them say so.
  expect(rows.filter((a) => a.action === 'prune').reduce((n, a) => n + (a.docsAffected ?? 0), 0)).toBe(LOST);
}

/** Runs the post-deployment apply through a proxy whose `plan` hits the call of `point`. */
async function applyThrough(p: TempProject, point: Point, plan: Omit<FaultPlan, 'match'>): Promise<{ code: number; stderr: string; proxy: FaultProxy }> {
  const proxy = await startFaultProxy(esUrl(), { ...plan, match: callOf(point, p) });
  const r = await p.cli(['apply', '--auto-approve'], { env: { ESM_URL: proxy.url } });
  return { code: r.code, stderr: r.stderr, proxy };
}

const POINTS: Point[] = ['prune', 'activate', 'drop', 'lock'];

describe.each(POINTS)('the answer of the %s call is lost', (point) => {
  it.each([1, 5])('cut after execution ×%i: the run ends well, the history says what happened, a re-run changes nothing', async (times) => {
    const { p, source } = await aPendingActivation();
    const { code, stderr, proxy } = await applyThrough(p, point, { dropAfterFirst: times });
    // The call reached the node, and its answer was cut as many times as asked.
    const cut = proxy.log.filter((r) => r.fault === 'drop_after');
    expect(cut.length, stderr).toBeGreaterThanOrEqual(1);
    // Each reached the node, which answered (a retried lock release finds the lock gone: 404/409).
    expect(cut.every((r) => r.status !== undefined)).toBe(true);
    expect(code, stderr).toBe(0);
    await expectDesiredState(p, source);
    const first = await actions(p);
    // What the answer would have said is in the history already: nothing waits for a later run.
    expectTruthfulHistory(p, first);
    if (point === 'prune') expect(lastOf(first, 'prune')).toMatchObject({ docsAffected: LOST });

    const again = await ok(p, ['apply', '--auto-approve']);
    expect(again.stdout + again.stderr).toMatch(/no changes|nothing to do|up to date/i);
    await expectDesiredState(p, source);
    expectTruthfulHistory(p, await actions(p));
  }, 180_000);

  it('kill -9 right after the node executed it: one re-run ends in the desired state, and the history says what happened', async () => {
    const { p, source } = await aPendingActivation();
    const proxy = await startFaultProxy(esUrl(), { holdAfterFirst: 1, match: callOf(point, p) });
    let executed = false;
    void proxy.executed.then(() => (executed = true));
    const killed = await killWhen(p, ['apply', '--auto-approve'], { what: `the ${point} call was executed`, when: async () => executed, env: { ESM_URL: proxy.url } });
    expect(killed.signal).toBe('SIGKILL');
    await proxy.close();

    await ok(p, ['apply', '--auto-approve']);
    await expectDesiredState(p, source);
    const rows = await actions(p);
    expectTruthfulHistory(p, rows);
    // The action the kill cut short is not left aborted: the re-run read its effect in the cluster.
    const cutShort = rows.filter((a) => a.note?.startsWith('confirmed from the cluster by a later run'));
    if (point !== 'lock') expect(cutShort.map((a) => a.action)).toContain(point);
  }, 180_000);
});
