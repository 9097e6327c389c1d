import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { rawClient, testCluster, testPrefix } from '../../test/support/es.js';
import { whenDone } from '../../test/support/scratch.js';
import { RefusedError } from '../errors.js';
import { LOCK_INDEX, lockId, type Lock, type LockDoc } from './lock.js';

const c = testCluster();
const who = { holder: 'alice@ci', command: 'esm apply --auto-approve' };
const TTL = 60_000;

function aPrefix(): string {
  const p = testPrefix('lock');
  whenDone(() => rawClient().delete({ index: LOCK_INDEX, id: lockId(p) }, { ignore: [404] }));
  return p;
}

async function acquire(prefix: string, opts: Partial<Parameters<typeof c.acquireLock>[2]> = {}, holder = who): Promise<Lock> {
  const lock = await c.acquireLock(prefix, holder, { ttlMs: TTL, ...opts });
  whenDone(() => lock.release().catch(() => undefined));
  return lock;
}

async function lockDoc(prefix: string): Promise<LockDoc | null> {
  const res = await rawClient().get<LockDoc>({ index: LOCK_INDEX, id: lockId(prefix) }, { ignore: [404] });
  return res.found ? res._source! : null;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}


describe('apply lock', () => {
  it('writes the holder into a hidden esm-locks index', async () => {
    const prefix = aPrefix();
    const lock = await acquire(prefix);
    expect(lock.id).toBe(`apply:${prefix}`);
    const doc = await lockDoc(prefix);
    expect(doc).toMatchObject({ holder: 'alice@ci', pid: process.pid, host: hostname(), command: 'esm apply --auto-approve' });
    expect(Date.parse(doc!.expiresAt) - Date.parse(doc!.startedAt)).toBe(TTL);
    const settings = await rawClient().indices.getSettings({ index: LOCK_INDEX, flat_settings: true });
    expect(settings[LOCK_INDEX]!.settings!['index.hidden']).toBe('true');
  });

  it('refuses a second apply, naming the holder; lets the next one in after release', async () => {
    const prefix = aPrefix();
    const first = await acquire(prefix);
    const e = await acquire(prefix, {}, { holder: 'bob@laptop', command: 'esm apply' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RefusedError);
    const message = (e as Error).message;
    expect(message.startsWith(
      `another esm apply holds the lock for prefix "${prefix}": alice@ci (pid ${process.pid} on host ${hostname()}) ` +
        `since ${first.doc.startedAt}, expires ${first.doc.expiresAt} (in `,
    )).toBe(true);
    expect(message).toMatch(/ \(in (\d+ s|1 min( \d+ s)?)\) \(command: esm apply --auto-approve\)\. If that apply is surely gone .*: esm lock release --force$/);
    await first.release();
    expect(await lockDoc(prefix)).toBeNull();
    const next = await acquire(prefix, {}, { holder: 'bob@laptop', command: 'esm apply' });
    expect((await lockDoc(prefix))!.holder).toBe('bob@laptop');
    await next.release();
  });

  it('keeps prefixes apart', async () => {
    await acquire(aPrefix());
    await expect(acquire(aPrefix())).resolves.toBeTruthy();
  });

  it('of two concurrent acquires, exactly one wins', async () => {
    const prefix = aPrefix();
    const results = await Promise.allSettled([acquire(prefix, {}, { holder: 'one', command: 'x' }), acquire(prefix, {}, { holder: 'two', command: 'x' })]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(RefusedError);
    const winner = (won[0] as PromiseFulfilledResult<Lock>).value;
    expect((await lockDoc(prefix))!.holder).toBe(winner.doc.holder);
  });

  it('takes over an expired lock; the old holder finds it lost', async () => {
    const prefix = aPrefix();
    const hourAgo = () => new Date(Date.now() - 3_600_000);
    const stale = await acquire(prefix, { now: hourAgo, heartbeat: false }, { holder: 'crashed', command: 'x' });
    const fresh = await acquire(prefix);
    expect((await lockDoc(prefix))!.holder).toBe('alice@ci');
    await expect(stale.renew()).rejects.toThrow(/lost the apply lock .* taken over by alice@ci/);
    expect(() => stale.assertHeld()).toThrow(RefusedError);
    // Releasing a lost lock does not delete the new holder's.
    await stale.release();
    expect((await lockDoc(prefix))!.holder).toBe('alice@ci');
    fresh.assertHeld();
  });

  it('takes over at once a lock whose holder process died on this host', async () => {
    const prefix = aPrefix();
    const pid = deadPid();
    await acquire(prefix, { pid, heartbeat: false }, { holder: 'killed', command: 'x' });
    const lock = await acquire(prefix);
    expect((await lockDoc(prefix))!.pid).toBe(process.pid);
    expect(lock.doc.holder).toBe('alice@ci');
  });

  it('renews itself in the background every ttl/3', async () => {
    const prefix = aPrefix();
    const lock = await acquire(prefix, { ttlMs: 900 });
    const first = Date.parse((await lockDoc(prefix))!.expiresAt);
    await new Promise((r) => setTimeout(r, 1300));
    const later = Date.parse((await lockDoc(prefix))!.expiresAt);
    expect(later).toBeGreaterThan(first);
    expect(lock.lost).toBeNull();
    // Still held past its first expiry: a second apply is refused.
    await expect(acquire(prefix, {}, { holder: 'bob', command: 'x' })).rejects.toBeInstanceOf(RefusedError);
  });
});
