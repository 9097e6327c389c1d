/**
 * An apply lock held by another host (a CI runner that died) makes
 * apply wait for it to expire (exit 4); the message says when it expires and how
 * to take it over deliberately, with `esm lock release --force`, recorded in history.
 */
import { describe, expect, it } from 'vitest';
import { LOCK_INDEX, lockId, type LockDoc } from '../../src/cluster/lock.js';
import { rawClient, testCluster } from '../support/es.js';
import type { TempProject } from '../support/project.js';
import { HistoryStore } from '../../src/history/index.js';
import { rewrite } from '../support/history-files.js';
import { whenDone } from '../support/scratch.js';
import { actions, expectOneLineError, instance, ok, project } from './helpers.js';

/** A project whose lock document (in the shared lock index, not under its prefix) goes when the test is done. */
function lockProject(...args: Parameters<typeof project>): TempProject {
  const p = project(...args);
  whenDone(() => rawClient().delete({ index: LOCK_INDEX, id: lockId(p.prefix) }, { ignore: [404] }));
  return p;
}

async function lockDoc(prefix: string): Promise<LockDoc | null> {
  const res = await rawClient().get<LockDoc>({ index: LOCK_INDEX, id: lockId(prefix) }, { ignore: [404] });
  return res.found ? res._source! : null;
}

/** A lock taken by a runner on another host, which then died without releasing it. */
async function lockOfADeadRunner(prefix: string): Promise<LockDoc> {
  const lock = await testCluster().acquireLock(prefix, { holder: 'ci@runner-7', command: 'esm apply --auto-approve' }, { ttlMs: 120_000, host: 'runner-7', pid: 4242, heartbeat: false });
  return lock.doc;
}

describe('a lock held by another host', () => {
  it('apply refuses (exit 4) saying when the lock expires and how to take it over', async () => {
    const p = lockProject('lkr');
    const doc = await lockOfADeadRunner(p.prefix);
    const r = await p.cli(['apply', '--auto-approve']);
    expectOneLineError(r, 4, /holds the lock/);
    expect(r.stderr).toContain(`expires ${doc.expiresAt} (in `);
    expect(r.stderr).toContain('esm lock release --force');
    expect(await lockDoc(p.prefix)).toEqual(doc);
    // The run failed before its first action: one failed `lock` row says why.
    expect((await actions(p)).map((a) => [a.action, a.status, a.error])).toEqual([['lock', 'failed', r.stderr.replace(/^esm: /, '').trim()]]);
  });

  it('esm lock release without --force says who holds it and changes nothing (exit 4)', async () => {
    const p = lockProject('lkr');
    const doc = await lockOfADeadRunner(p.prefix);
    const r = await p.cli(['lock', 'release']);
    expectOneLineError(r, 4, /ci@runner-7 \(pid 4242 on host runner-7\).*pass --force/);
    expect(await lockDoc(p.prefix)).toEqual(doc);
  });

  it('esm lock release --force removes it, is recorded in history, and apply then runs', async () => {
    const p = lockProject('lkr');
    await lockOfADeadRunner(p.prefix);
    const r = await ok(p, ['lock', 'release', '--force']);
    expect(r.stdout).toMatch(new RegExp(`^released the apply lock for prefix "${p.prefix}", held by ci@runner-7 \\(pid 4242 on host runner-7\\) since `));
    expect(await lockDoc(p.prefix)).toBeNull();
    const [a] = await actions(p);
    expect(a).toMatchObject({ action: 'lock_release', status: 'complete', argv: ['esm', 'lock', 'release', '--force'] });

    expect((await ok(p, ['lock', 'release', '--force'])).stdout).toBe(`no apply lock is held for prefix "${p.prefix}"\n`);
    expect(await actions(p)).toHaveLength(1);
    await ok(p, ['apply', '--auto-approve']);
  });

  it('--json prints what was released', async () => {
    const p = lockProject('lkr');
    const doc = await lockOfADeadRunner(p.prefix);
    const r = await ok(p, ['lock', 'release', '--force', '--json']);
    expect(r.json()).toEqual({ prefix: p.prefix, released: doc });
  });
});

describe('the actions of a run whose lock was taken over', () => {
  it('are settled by the apply that takes the lock over: confirmed from the cluster, or abandoned', async () => {
    const p = lockProject('lkd', { movies: { docs: 5 } });
    await ok(p, ['apply', '--auto-approve']);
    // A run on runner-7 made movies-2 and moved the alias to it, then died before recording it; its lock expired.
    const two = await instance(p, 'movies');
    const alias = `${p.prefix}movies`;
    await rawClient().indices.updateAliases({ actions: [{ remove: { index: '*', alias } }, { add: { index: two, alias } }] });
    const store = await HistoryStore.open(p.statePath);
    const activate = store.startAction({ action: 'activate', master: 'movies', instance: two, argv: ['esm', 'apply'] });
    const drop = store.queueAction({ action: 'drop', master: 'movies', instance: `${p.prefix}movies-1`, argv: ['esm', 'apply'] });
    store.close();
    await rewrite(p.statePath, `UPDATE actions SET host = 'runner-7', pid = 4242 WHERE id IN (${activate}, ${drop})`);
    await testCluster().acquireLock(p.prefix, { holder: 'ci@runner-7', command: 'esm apply' }, { ttlMs: 1, host: 'runner-7', pid: 4242, heartbeat: false });
    await new Promise((r) => setTimeout(r, 10));

    await ok(p, ['apply', '--auto-approve']);
    const rows = await actions(p);
    expect(rows.find((a) => a.id === activate)).toMatchObject({
      status: 'complete',
      error: null,
      note: expect.stringMatching(new RegExp(`^confirmed from the cluster by a later run: alias ${alias} points at ${two} \\(it was recorded aborted: the run of ci@runner-7 \\(pid 4242 on runner-7\\) lost its apply lock, which this run took over, without finishing this action\\)$`)),
    });
    expect(rows.find((a) => a.id === drop)).toMatchObject({ status: 'abandoned', error: expect.stringMatching(/lost its apply lock, which this run took over, before reaching this action$/) });
    expect(rows.filter((a) => a.status === 'in_progress' || a.status === 'queued')).toEqual([]);
    expect(await lockDoc(p.prefix)).toBeNull();
  });
});
