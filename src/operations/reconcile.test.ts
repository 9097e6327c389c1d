import { describe, expect, it } from 'vitest';
import type { LockDoc } from '../cluster/lock.js';
import type { InstanceMeta } from '../cluster/types.js';
import { confirmedNote, judge, type ReconcileWorld, type Unsettled } from './reconcile.js';

const STARTED = '2025-06-01T12:00:00.000Z';

function anAction(o: Partial<Unsettled> & Pick<Unsettled, 'action'>): Unsettled {
  return {
    id: 1,
    master: 'movies',
    instance: 'qa_movies-2',
    status: 'aborted',
    startedAt: STARTED,
    endedAt: null,
    docsAffected: null,
    argv: [],
    commit: null,
    actor: null,
    planId: null,
    error: 'the run (pid 7 on ci) ended without finishing this action',
    superseded: false,
    pid: 7,
    host: 'ci',
    ...o,
  };
}

function meta(o: Partial<InstanceMeta> = {}): InstanceMeta {
  return { master: 'movies', instance: 2, fingerprint: 'sha256:f2', createdAt: '2025-06-01T11:00:00.000Z', commit: null, ...o };
}

type Indices = Record<string, { meta: InstanceMeta | null; docs: number }>;

function aWorld(o: Omit<Partial<ReconcileWorld>, 'indices'> & { indices?: Indices } = {}): ReconcileWorld {
  const { indices, ...rest } = o;
  return {
    aliasOf: (m) => `qa_${m}`,
    indices: new Map(Object.entries(indices ?? { 'qa_movies-1': { meta: meta({ instance: 1 }), docs: 40 }, 'qa_movies-2': { meta: meta(), docs: 60 } })),
    aliases: { qa_movies: ['qa_movies-1'] },
    ...rest,
  };
}

const lock = (o: Partial<LockDoc> = {}): LockDoc => ({ holder: 'ci@build', pid: 7, host: 'ci', startedAt: STARTED, expiresAt: STARTED, command: 'esm apply', ...o });

describe('judge: does the cluster show that an unsettled action took effect?', () => {
  it('an activation: the alias points at the instance, and only at it', () => {
    expect(judge(anAction({ action: 'activate' }), aWorld({ aliases: { qa_movies: ['qa_movies-2'] } }))).toEqual({ kind: 'confirmed', what: 'alias qa_movies points at qa_movies-2' });
    expect(judge(anAction({ action: 'activate' }), aWorld())).toEqual({ kind: 'not_shown' });
    expect(judge(anAction({ action: 'activate' }), aWorld({ aliases: { qa_movies: ['qa_movies-1', 'qa_movies-2'] } }))).toEqual({ kind: 'not_shown' });
  });

  it('a drop: the index is gone', () => {
    expect(judge(anAction({ action: 'drop', instance: 'qa_movies-1' }), aWorld({ indices: { 'qa_movies-2': { meta: meta(), docs: 60 } } }))).toEqual({ kind: 'confirmed', what: 'qa_movies-1 no longer exists' });
    expect(judge(anAction({ action: 'drop', instance: 'qa_movies-1' }), aWorld())).toEqual({ kind: 'not_shown' });
  });

  it('a create: the index exists with its master in _meta.esm', () => {
    expect(judge(anAction({ action: 'create' }), aWorld())).toMatchObject({ kind: 'confirmed' });
    expect(judge(anAction({ action: 'create', instance: 'qa_movies-3' }), aWorld())).toEqual({ kind: 'not_shown' });
    expect(judge(anAction({ action: 'create' }), aWorld({ indices: { 'qa_movies-2': { meta: null, docs: 0 } } }))).toEqual({ kind: 'not_shown' });
  });

  it('a full fill: _meta.esm.filledAt is the fill’s start or later, and the count is the cluster’s', () => {
    const filled = aWorld({ indices: { 'qa_movies-2': { meta: meta({ filledAt: STARTED }), docs: 60 } } });
    expect(judge(anAction({ action: 'update' }), filled)).toEqual({ kind: 'confirmed', what: `qa_movies-2 was filled (_meta.esm.filledAt ${STARTED}) and holds 60 documents`, docs: 60 });
    // Filled by an earlier fill, not this one: a resumable fill stays as it is.
    const earlier = aWorld({ indices: { 'qa_movies-2': { meta: meta({ filledAt: '2025-06-01T11:59:59.999Z' }), docs: 30 } } });
    expect(judge(anAction({ action: 'update' }), earlier)).toEqual({ kind: 'not_shown' });
    expect(judge(anAction({ action: 'update' }), aWorld())).toEqual({ kind: 'not_shown' });
  });

  it('a resumed fill: _meta.esm.filledAt is the start of the fill it resumed, as its checkpoint says', () => {
    const first = '2025-06-01T11:00:00.000Z';
    const checkpoint = { docs: 30, total: 60, startedAt: first, at: '2025-06-01T12:00:05.000Z', position: { line: 30 }, resumedFrom: 20 };
    const filled = aWorld({ indices: { 'qa_movies-2': { meta: meta({ filledAt: first }), docs: 60 } } });
    expect(judge(anAction({ action: 'update', checkpoint }), filled)).toMatchObject({ kind: 'confirmed', docs: 60 });
    expect(judge(anAction({ action: 'update' }), filled)).toEqual({ kind: 'not_shown' });
  });

  it('a catch-up: _meta.esm.lastUpdateAt is its start or later', () => {
    const updated = aWorld({ indices: { 'qa_movies-2': { meta: meta({ lastUpdateAt: '2025-06-01T12:00:00.000Z' }), docs: 60 } } });
    expect(judge(anAction({ action: 'partial_update' }), updated)).toMatchObject({ kind: 'confirmed' });
    expect(judge(anAction({ action: 'partial_update' }), aWorld())).toEqual({ kind: 'not_shown' });
  });

  it('a prune that died in its last delete: every id of that delete gone, counted with those deleted before', () => {
    const prune = anAction({ id: 9, action: 'prune', detail: { prune: { deletedBefore: 1000, lastBatch: ['m-3', 'm-7'] } } });
    expect(judge(prune, aWorld({ pruneLeft: new Map([[9, 0]]) }))).toEqual({
      kind: 'confirmed',
      what: 'the 2 documents of its last delete are gone from qa_movies-2 (1002 deleted in all)',
      docs: 1002,
    });
    expect(judge(prune, aWorld({ pruneLeft: new Map([[9, 1]]) }))).toEqual({ kind: 'not_shown' });
    // Killed before its last delete (no ids saved), or never compared: nothing shows it finished.
    expect(judge(anAction({ id: 9, action: 'prune' }), aWorld({ pruneLeft: new Map([[9, 0]]) }))).toEqual({ kind: 'not_shown' });
    expect(judge(prune, aWorld())).toEqual({ kind: 'not_shown' });
  });

  it('an update in place: the instance carries the fingerprint it was to get', () => {
    expect(judge(anAction({ action: 'update_in_place', detail: { fingerprint: 'sha256:f2' } }), aWorld())).toMatchObject({ kind: 'confirmed' });
    expect(judge(anAction({ action: 'update_in_place', detail: { fingerprint: 'sha256:f3' } }), aWorld())).toEqual({ kind: 'not_shown' });
    expect(judge(anAction({ action: 'update_in_place' }), aWorld())).toEqual({ kind: 'not_shown' });
  });

  it('a failed release of the apply lock: settled once that run no longer holds it', () => {
    const release = anAction({ action: 'lock', master: null, instance: null, status: 'failed', detail: { lock: 'release' } });
    expect(judge(release, aWorld({ lock: null }))).toEqual({ kind: 'confirmed', what: 'no apply lock is held' });
    expect(judge(release, aWorld({ lock: lock({ pid: 8 }) }))).toMatchObject({ kind: 'confirmed' });
    expect(judge(release, aWorld({ lock: lock() }))).toEqual({ kind: 'not_shown' });
    expect(judge(release, aWorld())).toEqual({ kind: 'not_shown' });
    expect(judge({ ...release, detail: { lock: 'take' } }, aWorld({ lock: null }))).toEqual({ kind: 'not_shown' });
  });

  it('never confirms an action that was never started, nor one a later action of the same kind and target supersedes', () => {
    const swapped = aWorld({ aliases: { qa_movies: ['qa_movies-2'] } });
    expect(judge(anAction({ action: 'activate', status: 'abandoned', startedAt: null }), swapped)).toEqual({ kind: 'not_shown' });
    expect(judge(anAction({ action: 'activate', superseded: true }), swapped)).toEqual({ kind: 'not_shown' });
  });

  it('leaves the actions of another environment (prefix) to a run there', () => {
    expect(judge(anAction({ action: 'drop', instance: 'movies-1' }), aWorld({ indices: {} }))).toEqual({ kind: 'elsewhere' });
    expect(judge(anAction({ action: 'drop', instance: 'qa2_movies-1' }), aWorld({ indices: {} }))).toEqual({ kind: 'elsewhere' });
  });

  it('says what it saw and how the action had been recorded', () => {
    expect(confirmedNote(anAction({ action: 'activate', status: 'failed', error: 'gave up on pointing alias …' }), 'alias qa_movies points at qa_movies-2')).toBe(
      'confirmed from the cluster by a later run: alias qa_movies points at qa_movies-2 (it was recorded failed: gave up on pointing alias …)',
    );
  });
});
