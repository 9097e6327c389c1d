/**
 * The apply lock's rules, without a node (the same rules against a real one:
 * lock.test.ts). The lock document is taken with `_create`, so that of two applies
 * one wins and none overwrites the other; a dead holder's lock is taken over only
 * when it expired, or at once when its process is gone from THIS host (a pid means
 * nothing on another machine). The memory cluster answers the lock's REST calls as
 * Elasticsearch does (409 on a `_create` of an existing document or a stale seq_no).
 */
import { describe, expect, it } from 'vitest';
import { MemoryCluster } from '../../test/support/memory-cluster.js';
import { RefusedError } from '../errors.js';
import { decideTakeOver, LOCK_INDEX, lockId, type AcquireLockOptions, type LockDoc } from './lock.js';

describe('decideTakeOver', () => {
  const doc: LockDoc = { holder: 'bob', pid: 42, host: 'h1', startedAt: '2024-01-01T00:00:00Z', expiresAt: '2024-01-01T00:10:00Z', command: 'esm apply' };
  const before = new Date('2024-01-01T00:05:00Z');
  const alive = () => true;
  const dead = () => false;

  it('refuses a live, unexpired lock', () => {
    expect(decideTakeOver(doc, { now: before, host: 'h1', isPidAlive: alive })).toEqual({ kind: 'refuse' });
  });
  it('takes over an expired lock, or one whose expiry cannot be read', () => {
    expect(decideTakeOver(doc, { now: new Date('2024-01-01T00:10:01Z'), host: 'h2', isPidAlive: alive })).toEqual({ kind: 'take_over', why: 'expired' });
    expect(decideTakeOver({ ...doc, expiresAt: 'soon' }, { now: before, host: 'h2', isPidAlive: alive })).toEqual({ kind: 'take_over', why: 'expired' });
  });
  it('takes over at once a lock whose holder process is gone from this host', () => {
    expect(decideTakeOver(doc, { now: before, host: 'h1', isPidAlive: dead })).toEqual({ kind: 'take_over', why: 'holder_dead' });
  });
  it('does not take over on a pid that is not running here when the holder runs on another host', () => {
    expect(decideTakeOver(doc, { now: before, host: 'h2', isPidAlive: dead })).toEqual({ kind: 'refuse' });
  });
});

describe('acquireLock', () => {
  const who = { holder: 'alice@ci', command: 'esm apply --auto-approve' };
  const at = (iso: string) => () => new Date(iso);
  const opts = (o: Partial<AcquireLockOptions> = {}): AcquireLockOptions => ({ ttlMs: 60_000, heartbeat: false, host: 'h1', pid: 100, isPidAlive: () => true, now: at('2024-01-01T00:00:00Z'), ...o });
  const stored = async (c: MemoryCluster) => c.currentLock('qa_');

  it('creates the lock document with _create in the hidden lock index', async () => {
    const c = new MemoryCluster();
    const lock = await c.acquireLock('qa_', who, opts());
    const writes = c.requests.filter((r) => r.method === 'PUT');
    expect(writes.map((r) => r.path)).toEqual([`/${LOCK_INDEX}`, `/${LOCK_INDEX}/_create/${encodeURIComponent(lockId('qa_'))}`]);
    expect(writes[0]!.body).toMatchObject({ settings: { index: { hidden: true } } });
    expect(await stored(c)).toEqual({ ...who, pid: 100, host: 'h1', startedAt: '2024-01-01T00:00:00.000Z', expiresAt: '2024-01-01T00:01:00.000Z' });
    expect(lock.doc).toEqual(await stored(c));
  });

  it('refuses a second apply while the first holds the lock, naming the holder, and leaves its document alone', async () => {
    const c = new MemoryCluster();
    await c.acquireLock('qa_', who, opts());
    const held = await stored(c);
    const e = await c.acquireLock('qa_', { holder: 'bob@laptop', command: 'esm apply' }, opts({ pid: 200, now: at('2024-01-01T00:00:30Z') })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RefusedError);
    expect((e as Error).message).toMatch(/^another esm apply holds the lock for prefix "qa_": alice@ci \(pid 100 on host h1\)/);
    expect(await stored(c)).toEqual(held);
  });

  it('takes over the lock of a holder whose process is gone from this host, and not from another host', async () => {
    const c = new MemoryCluster();
    await c.acquireLock('qa_', { holder: 'killed', command: 'x' }, opts({ pid: 100, host: 'h1' }));
    const elsewhere = opts({ pid: 300, host: 'h2', isPidAlive: () => false, now: at('2024-01-01T00:00:30Z') });
    await expect(c.acquireLock('qa_', who, elsewhere)).rejects.toBeInstanceOf(RefusedError);
    expect((await stored(c))!.holder).toBe('killed');
    const here = opts({ pid: 300, host: 'h1', isPidAlive: (pid) => pid !== 100, now: at('2024-01-01T00:00:30Z') });
    await c.acquireLock('qa_', who, here);
    expect(await stored(c)).toMatchObject({ holder: 'alice@ci', pid: 300 });
  });

  it('takes over an expired lock; the old holder then finds it lost and its release leaves the new lock', async () => {
    const c = new MemoryCluster();
    const old = await c.acquireLock('qa_', { holder: 'stuck', command: 'x' }, opts({ host: 'h9' }));
    const fresh = await c.acquireLock('qa_', who, opts({ pid: 300, host: 'h2', now: at('2024-01-01T00:02:00Z') }));
    expect((await stored(c))!.holder).toBe('alice@ci');
    await expect(old.renew()).rejects.toThrow(/lost the apply lock for prefix "qa_": taken over by alice@ci \(pid 300 on host h2\)/);
    expect(() => old.assertHeld()).toThrow(RefusedError);
    await old.release();
    expect((await stored(c))!.holder).toBe('alice@ci');
    await fresh.release();
    expect(await stored(c)).toBeNull();
  });
});
