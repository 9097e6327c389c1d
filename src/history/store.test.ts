import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateError } from '../errors.js';
import { emptyHistoryView, stateHashOf } from './state-hash.js';
import { MIGRATIONS } from './migrations.js';
import { HistoryStore } from './store.js';
import { aStateFile, query, rewrite } from '../../test/support/history-files.js';
import type { ActionRecord, InstanceInput } from './types.js';

const T0 = new Date('2025-06-01T12:00:00.000Z');
/** A clock that advances one second per reading. */
function clock(start = T0): () => Date {
  let t = start.getTime();
  return () => new Date((t += 1000));
}

/** A clock that says what the test set last. */
function setClock(): { now: () => Date; set: (iso: string) => void } {
  let t = T0;
  return { now: () => t, set: (iso) => (t = new Date(iso)) };
}

function anInstance(o: Partial<InstanceInput> & { master: string; number: number }): InstanceInput {
  return {
    name: `${o.master}-${o.number}`,
    fingerprint: `sha256:${o.master}${o.number}`,
    createdAt: '2025-05-01T00:00:00.000Z',
    commit: 'abc123',
    filledAt: null,
    lastUpdateAt: null,
    ...o,
  };
}

/** Waits until `child` has exited. */
function exited(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
}

describe('HistoryStore', () => {
  it('keeps masters, instances and actions across a reopen', async () => {
    const { file } = aStateFile();
    const time = setClock();
    const store = await HistoryStore.open(file, { now: time.now });
    expect(store.exists).toBe(false);
    store.upsertMaster({ name: 'movies', alias: 'movies', activeInstance: null });
    store.upsertInstance(anInstance({ master: 'movies', number: 1 }));
    store.upsertInstance(anInstance({ master: 'movies', number: 2, commit: null }));
    expect(store.markFilled('movies-1', '2025-06-01T13:00:00.000Z')).toBe(true);
    expect(store.markUpdated('movies-1', new Date('2025-06-02T00:00:00.000Z'))).toBe(true);
    expect(store.setActive('movies', 'movies-1')).toBe(true);
    time.set('2025-06-01T12:00:08.000Z');
    const id = store.startAction({ action: 'create', master: 'movies', instance: 'movies-2', argv: ['esm', 'create', 'movies'], commit: 'abc123', actor: 'ann@box', planId: 'p1' });
    time.set('2025-06-01T12:00:09.000Z');
    store.finishAction(id, { status: 'complete', docsAffected: 42 });
    const before = { view: store.view(), actions: store.listActions() };

    const again = await HistoryStore.open(file);
    expect(again.exists).toBe(true);
    expect(again.path).toBe(file);
    expect(again.view()).toEqual(before.view);
    expect(again.listActions()).toEqual(before.actions);
    expect(again.view().masters).toEqual([{ name: 'movies', alias: 'movies', activeInstance: 'movies-1', updatedAt: expect.any(String) }]);
    expect(again.view().instances[0]).toMatchObject({ name: 'movies-1', filledAt: '2025-06-01T13:00:00.000Z', lastUpdateAt: '2025-06-02T00:00:00.000Z', dropped: false });
    expect(again.listActions()[0]).toMatchObject({
      id,
      action: 'create',
      master: 'movies',
      instance: 'movies-2',
      status: 'complete',
      startedAt: '2025-06-01T12:00:08.000Z',
      endedAt: '2025-06-01T12:00:09.000Z',
      docsAffected: 42,
      argv: ['esm', 'create', 'movies'],
      commit: 'abc123',
      actor: 'ann@box',
      planId: 'p1',
      error: null,
      pid: process.pid,
      host: hostname(),
    });
  });

  it('lists actions newest first, filtered by master and limited', async () => {
    const { file } = aStateFile();
    const store = await HistoryStore.open(file, { now: clock() });
    const ids = ['movies', 'books', 'movies', 'books', 'movies'].map((master) => store.startAction({ action: 'update', master }));
    expect(store.listActions().map((a) => a.id)).toEqual([...ids].reverse());
    expect(store.listActions({ limit: 2 }).map((a) => a.id)).toEqual([ids[4], ids[3]]);
    expect(store.listActions({ master: 'books' }).map((a) => a.id)).toEqual([ids[3], ids[1]]);
    expect(store.listActions({ master: 'movies', limit: 1 }).map((a) => a.id)).toEqual([ids[4]]);
    expect(store.listActions({ master: 'nothing' })).toEqual([]);
  });

  it('queues actions, then runs and ends them with their outcome', async () => {
    const { file } = aStateFile();
    const time = setClock();
    const store = await HistoryStore.open(file, { now: time.now });
    const id = store.queueAction({ action: 'activate', master: 'movies' });
    expect(actionOf(store, id)).toMatchObject({ status: 'queued', startedAt: null, endedAt: null });
    time.set('2025-06-01T12:00:02.000Z');
    store.markInProgress(id);
    expect(actionOf(store, id)).toMatchObject({ status: 'in_progress', startedAt: '2025-06-01T12:00:02.000Z' });
    time.set('2025-06-01T12:00:03.000Z');
    store.finishAction(id, { status: 'failed', error: 'cluster said no at https://elastic:s3cret@es.example:9200', docsAffected: 3 });
    const reopened = await HistoryStore.open(file);
    expect(actionOf(reopened, id)).toMatchObject({ status: 'failed', endedAt: '2025-06-01T12:00:03.000Z', docsAffected: 3, error: 'cluster said no at https://***@es.example:9200' });
    expect(() => store.finishAction(999, { status: 'complete' })).toThrow(/no action #999/);
  });

  it('stores argv with secrets masked even when the caller forgot', async () => {
    const { file } = aStateFile();
    const store = await HistoryStore.open(file);
    const id = store.startAction({
      action: 'update',
      argv: ['esm', 'update', 'movies', '--url', 'https://elastic:hunter2@es.example:9200', '--password=hunter2', '--api-key', 'QUJDRA==', 'ESM_PASSWORD=hunter2'],
    });
    const stored = actionOf((await HistoryStore.open(file)), id)!.argv;
    expect(stored).toEqual(['esm', 'update', 'movies', '--url', 'https://***@es.example:9200', '--password=***', '--api-key', '***', 'ESM_PASSWORD=***']);
    expect(JSON.stringify(await query(file, 'SELECT * FROM actions'))).not.toContain('hunter2');
  });

  it("measures each master's fill rate from its last completed full update that moved documents", async () => {
    const { file } = aStateFile();
    const time = setClock();
    const store = await HistoryStore.open(file, { now: time.now });
    const run = (action: 'update' | 'partial_update', master: string, from: string, to: string, outcome: { status: 'complete' | 'failed'; docsAffected: number }) => {
      time.set(from);
      const id = store.startAction({ action, master });
      time.set(to);
      store.finishAction(id, outcome);
    };
    run('update', 'movies', '2025-06-01T10:00:00.000Z', '2025-06-01T10:00:10.000Z', { status: 'complete', docsAffected: 10_000 });
    run('update', 'movies', '2025-06-02T10:00:00.000Z', '2025-06-02T10:00:04.000Z', { status: 'complete', docsAffected: 20_000 });
    run('update', 'movies', '2025-06-03T10:00:00.000Z', '2025-06-03T10:00:01.000Z', { status: 'failed', docsAffected: 50 });
    run('partial_update', 'movies', '2025-06-04T10:00:00.000Z', '2025-06-04T10:00:01.000Z', { status: 'complete', docsAffected: 3 });
    run('update', 'books', '2025-06-01T10:00:00.000Z', '2025-06-01T10:00:02.000Z', { status: 'complete', docsAffected: 0 });
    expect(store.view().fillRates).toEqual({ movies: 5_000 });
  });

  it("reads each master's active instance's last completed full fill: its instance, documents and end, without touching the state hash", async () => {
    const { file } = aStateFile();
    const time = setClock();
    const store = await HistoryStore.open(file, { now: time.now });
    const run = (action: 'update' | 'partial_update', master: string, instance: string, to: string, outcome: { status: 'complete' | 'failed'; docsAffected?: number }) => {
      const id = store.startAction({ action, master, instance });
      time.set(to);
      store.finishAction(id, outcome);
    };
    store.upsertMaster({ name: 'movies', alias: 'movies', activeInstance: 'movies-2' });
    store.upsertMaster({ name: 'books', alias: 'books', activeInstance: 'books-1' });
    store.upsertMaster({ name: 'songs', alias: 'songs', activeInstance: null });
    run('update', 'movies', 'movies-2', '2025-06-01T10:00:00.000Z', { status: 'complete', docsAffected: 10_000 });
    run('update', 'movies', 'movies-2', '2025-06-02T10:00:00.000Z', { status: 'complete', docsAffected: 12_000 });
    // Not a full fill, not completed, or of another instance: none of them count.
    run('partial_update', 'movies', 'movies-2', '2025-06-03T10:00:00.000Z', { status: 'complete', docsAffected: 3 });
    run('update', 'movies', 'movies-2', '2025-06-04T10:00:00.000Z', { status: 'failed', docsAffected: 50 });
    run('update', 'movies', 'movies-3', '2025-06-05T10:00:00.000Z', { status: 'complete', docsAffected: 13_000 });
    // A completed update that did not say how many documents it moved says nothing either.
    run('update', 'books', 'books-1', '2025-06-01T10:00:00.000Z', { status: 'complete', docsAffected: 40 });
    run('update', 'books', 'books-1', '2025-06-02T10:00:00.000Z', { status: 'complete' });
    run('update', 'songs', 'songs-1', '2025-06-01T10:00:00.000Z', { status: 'complete', docsAffected: 7 });
    expect(store.view().lastFills).toEqual({
      movies: { instance: 'movies-2', docs: 12_000, at: '2025-06-02T10:00:00.000Z' },
      books: { instance: 'books-1', docs: 40, at: '2025-06-01T10:00:00.000Z' },
    });
    // Read-only, from the file: the same figures.
    expect((await HistoryStore.open(file, { readOnly: true })).view().lastFills).toEqual(store.view().lastFills);
    // The state hash is of masters and instances only: the fills are not part of it.
    const { lastFills: _fills, ...rest } = store.view();
    expect(store.stateHash()).toBe(stateHashOf(rest));
  });

  describe('a missing state file', () => {
    it('is an empty store that read-only commands never create', async () => {
      const { dir, file } = aStateFile();
      const store = await HistoryStore.open(file, { readOnly: true });
      expect(store.exists).toBe(false);
      expect(store.view()).toEqual({ masters: [], instances: [], maxNumber: {}, fillRates: {}, lastFills: {}, unfinishedFills: {}, companions: [] });
      expect(store.listActions()).toEqual([]);
      expect(() => store.startAction({ action: 'create' })).toThrow(StateError);
      expect(await readdir(dir)).toEqual([]);
    });

    it('reads the same as the view a plan uses without opening it: a plan made then is not stale once opened', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file);
      expect(emptyHistoryView()).toEqual(store.view());
      expect(stateHashOf(emptyHistoryView())).toBe(store.stateHash());
    });

    it('is created, with its directories, by the first write only', async () => {
      const { dir, file } = aStateFile();
      const store = await HistoryStore.open(file);
      expect(store.setActive('movies', 'movies-1')).toBe(false);
      expect(store.markDropped('movies-1', T0)).toBe(false);
      expect(existsSync(path.dirname(file))).toBe(false);
      store.upsertMaster({ name: 'movies', alias: 'movies' });
      expect(await readdir(path.join(dir, '.esm'))).toEqual(['state.sqlite']);
      expect(await query(file, `SELECT key, value FROM esm_meta ORDER BY key`)).toEqual([
        ['app', 'esm'],
        ['schema_version', String(MIGRATIONS.length)],
      ]);
    });
  });

  describe('view', () => {
    it('counts dropped instances in maxNumber and clears the alias of a dropped active instance', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file, { now: clock() });
      store.upsertMaster({ name: 'movies', alias: 'qa_movies', activeInstance: 'qa_movies-3' });
      for (const n of [1, 2, 3]) store.upsertInstance(anInstance({ master: 'movies', number: n, name: `qa_movies-${n}` }));
      store.markDropped('qa_movies-3', '2025-06-03T00:00:00.000Z');
      const view = (await HistoryStore.open(file)).view();
      expect(view.maxNumber).toEqual({ qa_movies: 3 });
      expect(view.instances.map((i) => [i.name, i.dropped, i.droppedAt])).toEqual([
        ['qa_movies-1', false, null],
        ['qa_movies-2', false, null],
        ['qa_movies-3', true, '2025-06-03T00:00:00.000Z'],
      ]);
      expect(view.masters[0]?.activeInstance).toBeNull();
    });

    it('counts numbers per prefix and master, and not those of a create that failed or was aborted', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file, { now: clock() });
      store.upsertInstance(anInstance({ master: 'movies', number: 2, name: 'qa_movies-2' }));
      for (const [instance, status] of [['qa_movies-3', 'complete'], ['qa_movies-4', 'failed'], ['qa_movies-5', 'aborted'], ['movies-7', 'failed']] as const) {
        const id = store.startAction({ action: instance === 'qa_movies-3' ? 'drop' : 'create', master: 'movies', instance });
        store.finishAction(id, { status });
      }
      expect(store.view().maxNumber).toEqual({ qa_movies: 3 });
    });

    it('owns the companion objects whose last completed companion action created or updated them (not deleted, not failed)', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file, { now: clock() });
      const rows = [
        ['companion_create', 'IngestPipeline/enrich', 'complete'],
        ['companion_create', 'StoredScript/by-title', 'complete'],
        ['companion_delete', 'StoredScript/by-title', 'complete'],
        ['companion_create', 'SynonymSet/syn', 'failed'],
        ['companion_update', 'IndexTemplate/logs', 'complete'],
        ['companion_delete', 'IndexTemplate/logs', 'failed'],
      ] as const;
      for (const [action, instance, status] of rows) store.finishAction(store.startAction({ action, instance }), { status });
      expect(store.view().companions).toEqual(['IndexTemplate/logs', 'IngestPipeline/enrich']);
      // Companion rows name no master: they count for no master's numbers.
      expect(store.view().maxNumber).toEqual({});
    });

    it('keeps the recorded active instance when upsertMaster leaves it out', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file);
      store.upsertMaster({ name: 'movies', alias: 'movies', activeInstance: 'movies-1' });
      store.upsertMaster({ name: 'movies', alias: 'movies' });
      expect(store.view().masters[0]?.activeInstance).toBe('movies-1');
      store.upsertMaster({ name: 'movies', alias: 'movies', activeInstance: null });
      expect(store.view().masters[0]?.activeInstance).toBeNull();
    });
  });

  it('replaceAll swaps masters and instances, keeps the journal, and never forgets a used number', async () => {
    const { file } = aStateFile();
    const store = await HistoryStore.open(file, { now: clock() });
    store.upsertMaster({ name: 'movies', alias: 'movies', activeInstance: 'movies-5' });
    store.upsertMaster({ name: 'gone', alias: 'gone' });
    store.upsertInstance(anInstance({ master: 'movies', number: 5 }));
    const id = store.startAction({ action: 'create', master: 'movies', instance: 'movies-5' });
    store.finishAction(id, { status: 'complete' });

    store.replaceAll({
      masters: [{ name: 'movies', alias: 'movies', activeInstance: 'movies-2' }],
      instances: [anInstance({ master: 'movies', number: 2, filledAt: '2025-06-01T00:00:00.000Z' })],
    });
    const reopened = await HistoryStore.open(file);
    const view = reopened.view();
    expect(view.masters.map((m) => [m.name, m.activeInstance])).toEqual([['movies', 'movies-2']]);
    expect(view.instances.map((i) => i.name)).toEqual(['movies-2']);
    expect(view.maxNumber).toEqual({ movies: 5 });
    expect(reopened.listActions().map((a) => a.id)).toEqual([id]);
  });

  it('stateHash follows masters and instances, not the journal', async () => {
    const { file } = aStateFile();
    const empty = (await HistoryStore.open(file, { readOnly: true })).stateHash();
    const store = await HistoryStore.open(file, { now: clock() });
    expect(store.stateHash()).toMatch(/^[0-9a-f]{64}$/);
    expect(store.stateHash()).toBe(empty);

    store.upsertMaster({ name: 'movies', alias: 'movies' });
    const withMaster = store.stateHash();
    expect(withMaster).not.toBe(empty);
    const id = store.startAction({ action: 'create', master: 'movies', instance: 'movies-1' });
    store.finishAction(id, { status: 'complete' });
    expect(store.stateHash()).toBe(withMaster);

    store.upsertInstance(anInstance({ master: 'movies', number: 1 }));
    const withInstance = store.stateHash();
    expect(withInstance).not.toBe(withMaster);
    expect((await HistoryStore.open(file)).stateHash()).toBe(withInstance);
    store.markFilled('movies-1', T0);
    expect(store.stateHash()).not.toBe(withInstance);
  });

  describe('runs that died', () => {
    async function deadPid(): Promise<number> {
      const child = spawn(process.execPath, ['-e', '']);
      await exited(child);
      return child.pid!;
    }

    it('marks in_progress actions of a dead process aborted, and its queued ones abandoned, on the next open', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file, { now: clock() });
      const running = store.startAction({ action: 'update', master: 'movies' });
      const queued = store.queueAction({ action: 'activate', master: 'movies' });
      const done = store.startAction({ action: 'create', master: 'movies' });
      store.finishAction(done, { status: 'complete' });
      const pid = await deadPid();
      await rewrite(file, `UPDATE actions SET pid = ${pid}`);
      const bytes = await readFile(file);

      // Read-only: reported as aborted / abandoned, the file is left as it is.
      const readOnly = await HistoryStore.open(file, { readOnly: true });
      expect(readOnly.listActions().map((a) => [a.id, a.status])).toEqual([
        [done, 'complete'],
        [queued, 'abandoned'],
        [running, 'aborted'],
      ]);
      expect(await readFile(file)).toEqual(bytes);

      await HistoryStore.open(file);
      expect(await query(file, 'SELECT id, status FROM actions ORDER BY id')).toEqual([
        [running, 'aborted'],
        [queued, 'abandoned'],
        [done, 'complete'],
      ]);
      const reopened = await HistoryStore.open(file);
      expect(actionOf(reopened, running)?.error).toMatch(new RegExp(`pid ${pid}.*ended without finishing`));
      expect(actionOf(reopened, queued)?.error).toMatch(new RegExp(`pid ${pid}.*ended before reaching`));
    });

    it('leaves actions of a live process, or of another host, in progress', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file);
      const mine = store.startAction({ action: 'update', master: 'movies' });
      const elsewhere = store.startAction({ action: 'update', master: 'books' });
      const other = store.startAction({ action: 'update', master: 'songs' });
      const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
      try {
        const dead = await deadPid();
        await rewrite(file, `UPDATE actions SET pid = ${dead}, host = 'another-host' WHERE id = ${elsewhere}; UPDATE actions SET pid = ${sleeper.pid} WHERE id = ${other};`);
        const reopened = await HistoryStore.open(file);
        expect(reopened.listActions().map((a) => [a.id, a.status])).toEqual([
          [other, 'in_progress'],
          [elsewhere, 'in_progress'],
          [mine, 'in_progress'],
        ]);
      } finally {
        sleeper.kill();
        await exited(sleeper);
      }
    });
  });

  describe('settling what earlier runs left unsettled', () => {
    it('records a run that failed before its first action as one failed row, with its error and detail', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file, { now: clock() });
      const id = store.recordFailure({ action: 'lock', argv: ['esm', 'apply'], detail: { lock: 'take' } }, 'another esm apply holds the lock');
      const again = await HistoryStore.open(file);
      expect(actionOf(again, id)).toMatchObject({ action: 'lock', status: 'failed', error: 'another esm apply holds the lock', detail: { lock: 'take' }, note: null, checkedAt: null });
      expect(actionOf(again, id)?.startedAt).toEqual(expect.any(String));
      expect(actionOf(again, id)?.endedAt).toEqual(expect.any(String));
    });

    it('lists failed, aborted and abandoned actions not yet compared, saying which a later one of the same kind and target supersedes', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file, { now: clock() });
      const end = (action: 'activate' | 'drop', instance: string, status: 'complete' | 'failed' | 'aborted' | 'abandoned') => {
        const id = store.startAction({ action, master: 'movies', instance });
        store.finishAction(id, { status });
        return id;
      };
      const lost = end('activate', 'movies-2', 'failed');
      const later = end('activate', 'movies-2', 'complete');
      const dropped = end('drop', 'movies-1', 'aborted');
      const never = end('drop', 'movies-3', 'abandoned');
      const checked = end('drop', 'movies-4', 'failed');
      store.markChecked([checked]);
      expect(later).toBeGreaterThan(lost);
      expect(store.unsettledActions().map((a) => [a.id, a.status, a.superseded])).toEqual([
        [lost, 'failed', true],
        [dropped, 'aborted', false],
        [never, 'abandoned', false],
      ]);
    });

    it('settles one as complete with a note and the cluster’s count, its error gone, and never lists it again', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file, { now: clock() });
      const id = store.startAction({ action: 'update', master: 'movies', instance: 'movies-2' });
      store.finishAction(id, { status: 'failed', error: 'gave up on writing documents', docsAffected: 10 });
      store.settle(id, { status: 'complete', note: 'confirmed from the cluster by a later run: movies-2 was filled', docsAffected: 40, clearError: true });
      const again = await HistoryStore.open(file);
      expect(actionOf(again, id)).toMatchObject({ status: 'complete', error: null, docsAffected: 40, note: 'confirmed from the cluster by a later run: movies-2 was filled' });
      expect(actionOf(again, id)?.checkedAt).toEqual(expect.any(String));
      expect(again.unsettledActions()).toEqual([]);
    });

    it('keeps a note given when an action ends (an answer confirmed by reading the cluster)', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file, { now: clock() });
      const id = store.startAction({ action: 'activate', master: 'movies', instance: 'movies-2' });
      store.finishAction(id, { status: 'complete', note: 'confirmed from the cluster: alias movies points at movies-2' });
      expect(actionOf(await HistoryStore.open(file), id)?.note).toBe('confirmed from the cluster: alias movies points at movies-2');
    });

    it('starts an action at the time given (a fill counts from its start), queued or not', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file, { now: clock() });
      const direct = store.startAction({ action: 'update', master: 'movies', instance: 'movies-2' }, '2025-01-01T00:00:00.000Z');
      const queued = store.queueAction({ action: 'update_in_place', master: 'movies', instance: 'movies-1' });
      store.markInProgress(queued, '2025-01-02T00:00:00.000Z', { fingerprint: 'sha256:ab' });
      expect(actionOf(store, direct)?.startedAt).toBe('2025-01-01T00:00:00.000Z');
      expect(actionOf(store, queued)).toMatchObject({ startedAt: '2025-01-02T00:00:00.000Z', detail: { fingerprint: 'sha256:ab' } });
    });

    it('ends the run of a taken-over lock: its in-progress actions aborted, its queued ones abandoned, saying why', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file, { now: clock() });
      const running = store.startAction({ action: 'partial_update', master: 'movies', instance: 'movies-2' });
      const queued = store.queueAction({ action: 'activate', master: 'movies', instance: 'movies-2' });
      const mine = store.startAction({ action: 'update', master: 'books', instance: 'books-1' });
      await rewrite(file, `UPDATE actions SET host = 'build-7', pid = 4242 WHERE id IN (${running}, ${queued})`);
      const again = await HistoryStore.open(file);
      expect(again.abandonRun('build-7', 4242, 'the run of ci@build-7 (pid 4242 on build-7) lost its apply lock,')).toBe(2);
      expect(again.listActions().map((a) => [a.id, a.status])).toEqual([
        [mine, 'in_progress'],
        [queued, 'abandoned'],
        [running, 'aborted'],
      ]);
      expect(actionOf(again, running)?.error).toBe('the run of ci@build-7 (pid 4242 on build-7) lost its apply lock, without finishing this action');
      expect(actionOf(again, queued)?.error).toBe('the run of ci@build-7 (pid 4242 on build-7) lost its apply lock, before reaching this action');
    });
  });

  describe('fill checkpoints', () => {
    const at = (n: number) => ({ docs: n, total: 1000, startedAt: '2025-06-01T12:00:00.000Z', at: `2025-06-01T12:0${n / 100}:00.000Z`, position: { kind: 'key', field: 'id', last: n } });

    it('keeps the newest checkpoint of a fill that stopped, with its documents, across a reopen', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file, { now: clock() });
      const id = store.startAction({ action: 'update', master: 'movies', instance: 'movies-2' });
      store.saveCheckpoint(id, at(100));
      store.saveCheckpoint(id, at(300));
      store.finishAction(id, { status: 'aborted', error: 'interrupted by SIGINT' });

      const again = await HistoryStore.open(file);
      expect(actionOf(again, id)).toMatchObject({ status: 'aborted', docsAffected: 300, checkpoint: at(300) });
      expect(again.view().unfinishedFills).toEqual({ 'movies-2': { ...at(300), instance: 'movies-2', status: 'aborted' } });
    });

    it('forgets it once a later fill of the instance completes, or the instance is cleared', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file, { now: clock() });
      const stopped = (instance: string) => {
        const id = store.startAction({ action: 'update', master: 'movies', instance });
        store.saveCheckpoint(id, at(200));
        store.finishAction(id, { status: 'failed', error: 'cluster down' });
      };
      stopped('movies-1');
      stopped('movies-2');
      stopped('movies-3');
      store.finishAction(store.startAction({ action: 'update', master: 'movies', instance: 'movies-1' }), { status: 'complete', docsAffected: 1000 });
      store.finishAction(store.startAction({ action: 'clear', master: 'movies', instance: 'movies-2' }), { status: 'complete' });
      // A clear that failed changed nothing: the checkpoint stands.
      store.finishAction(store.startAction({ action: 'clear', master: 'movies', instance: 'movies-3' }), { status: 'failed' });
      expect(Object.keys(store.view().unfinishedFills ?? {})).toEqual(['movies-3']);
    });

    it('a later attempt that stopped before its first checkpoint leaves the earlier checkpoint in force', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file, { now: clock() });
      const first = store.startAction({ action: 'update', master: 'movies', instance: 'movies-2' });
      store.saveCheckpoint(first, at(400));
      store.finishAction(first, { status: 'aborted' });
      const second = store.queueAction({ action: 'update', master: 'movies', instance: 'movies-2' });
      store.finishAction(second, { status: 'aborted', error: 'not run' });
      expect(store.view().unfinishedFills?.['movies-2']).toMatchObject({ docs: 400, status: 'aborted' });
    });

    it('a completed resumed fill measures its rate on the documents it moved itself', async () => {
      const { file } = aStateFile();
      const time = setClock();
      const store = await HistoryStore.open(file, { now: time.now });
      time.set('2025-06-01T12:00:00.000Z');
      const id = store.startAction({ action: 'update', master: 'movies', instance: 'movies-2' });
      store.saveCheckpoint(id, { ...at(1000), resumedFrom: 600 });
      time.set('2025-06-01T12:00:10.000Z');
      store.finishAction(id, { status: 'complete', docsAffected: 1000 });
      expect(store.view().fillRates).toEqual({ movies: 40 });
      expect(store.view().unfinishedFills).toEqual({});
    });

    it('ignores a checkpoint it cannot read', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file, { now: clock() });
      const id = store.startAction({ action: 'update', master: 'movies', instance: 'movies-2' });
      store.finishAction(id, { status: 'aborted' });
      await rewrite(file, `UPDATE actions SET checkpoint = '{"docs":"lots"}' WHERE id = ${id}`);
      const again = await HistoryStore.open(file);
      expect(actionOf(again, id)?.checkpoint).toBeNull();
      expect(again.view().unfinishedFills).toEqual({});
    });
  });

  describe('a failed write', () => {
    it('leaves the file and the store as they were, and no temporary file', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file);
      store.upsertMaster({ name: 'movies', alias: 'movies' });
      const bytes = await readFile(file);

      const failing = await HistoryStore.open(file, {}, {
        write: (target) => {
          throw Object.assign(new Error(`ENOSPC: no space left on device, write '${target}'`), { code: 'ENOSPC' });
        },
      });
      expect(() => failing.startAction({ action: 'create', master: 'movies' })).toThrow(/cannot write the state file .*ENOSPC.*previous file is unchanged/);
      expect(() => failing.upsertInstance(anInstance({ master: 'movies', number: 1 }))).toThrow(StateError);
      expect(failing.listActions()).toEqual([]);
      expect(failing.view().instances).toEqual([]);
      expect(await readFile(file)).toEqual(bytes);
      expect(await readdir(path.dirname(file))).toEqual(['state.sqlite']);
    });

    it('refuses to overwrite a file that was replaced by something else since it was opened', async () => {
      const { file } = aStateFile();
      const store = await HistoryStore.open(file);
      store.upsertMaster({ name: 'movies', alias: 'movies' });
      const foreign = Buffer.from('not a database at all, but someone cares about it\n');
      await writeFile(file, foreign);
      expect(() => store.startAction({ action: 'create' })).toThrow(/is not an esm state file/);
      expect(await readFile(file)).toEqual(foreign);
      expect(store.listActions()).toEqual([]);
    });
  });
});

/** The action with id `id`, as listActions shows it. */
function actionOf(store: HistoryStore, id: number): ActionRecord | undefined {
  return store.listActions().find((a) => a.id === id);
}
