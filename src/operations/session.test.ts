/**
 * Session.record: every operation that changes the cluster is one row of the journal,
 * in_progress while it runs, then complete, failed (with the error and the documents
 * that made it in) or aborted when the run was stopped. A failed step recorded as
 * complete would let the next plan treat a half-filled instance as done.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryCluster, MemorySession } from '../../test/support/memory-cluster.js';
import { scratchDir } from '../../test/support/scratch.js';
import { HistoryStore } from '../history/index.js';
import { RuntimeError } from '../errors.js';
import type { SessionOptions } from './session.js';

function aSession(opts: SessionOptions = {}) {
  const statePath = path.join(scratchDir('session'), 'state.sqlite');
  const s = new MemorySession(new MemoryCluster(), { statePath }, { argv: ['esm', 'update', 'movies'], ...opts });
  const journal = async () => {
    const store = await HistoryStore.open(statePath, { readOnly: true });
    try {
      return store.listActions().map(({ action, master, instance, status, docsAffected, error, argv }) => ({ action, master, instance, status, docsAffected, error, argv }));
    } finally {
      store.close();
    }
  };
  return { s, journal };
}

describe('Session.record', () => {
  it('records a completed action with the documents it moved, and returns its result', async () => {
    const { s, journal } = aSession();
    let during: unknown;
    const result = await s.record({ action: 'update', master: 'movies', instance: 'movies-1' }, async () => {
      during = (await journal())[0]?.status;
      return 42;
    }, (n) => n);
    expect(result).toBe(42);
    expect(during).toBe('in_progress');
    expect(await journal()).toEqual([
      { action: 'update', master: 'movies', instance: 'movies-1', status: 'complete', docsAffected: 42, error: null, argv: ['esm', 'update', 'movies'] },
    ]);
  });

  it('records a failure as failed, with its message and the documents written before it, and rethrows it', async () => {
    const { s, journal } = aSession();
    const boom = Object.assign(new RuntimeError('the cluster answered 503 while writing documents'), { docsAffected: 7 });
    await expect(s.record({ action: 'update', master: 'movies', instance: 'movies-2' }, () => Promise.reject(boom))).rejects.toBe(boom);
    expect(await journal()).toEqual([
      { action: 'update', master: 'movies', instance: 'movies-2', status: 'failed', docsAffected: 7, error: 'the cluster answered 503 while writing documents', argv: ['esm', 'update', 'movies'] },
    ]);
  });

  it('records an action stopped by the session signal as aborted', async () => {
    const stop = new AbortController();
    const { s, journal } = aSession({ signal: stop.signal });
    const failed = s.record({ action: 'create', master: 'movies', instance: 'movies-3' }, async () => {
      stop.abort();
      throw new RuntimeError('interrupted');
    });
    await expect(failed).rejects.toThrow('interrupted');
    expect((await journal()).map((a) => `${a.action} ${a.status} ${a.error}`)).toEqual(['create aborted interrupted']);
  });

  it('runs a queued action under its queued row: queued → in_progress → complete, one row', async () => {
    const { s, journal } = aSession();
    await s.queue([{ action: 'activate', master: 'movies', instance: 'movies-2' }]);
    expect((await journal()).map((a) => a.status)).toEqual(['queued']);
    await s.record({ action: 'activate', master: 'movies', instance: 'movies-2' }, async () => undefined);
    expect((await journal()).map((a) => `${a.action} ${a.status}`)).toEqual(['activate complete']);
  });
});
