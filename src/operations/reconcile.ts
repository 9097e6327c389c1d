/**
 * Reconciliation (SPEC §8): the history tells what happened in the cluster. At the
 * start of every changing run, the actions earlier runs left unsettled — `failed`,
 * `aborted` (the run died in them), `abandoned` — are compared with the cluster once:
 * an action whose effect the cluster shows (the alias points at the instance, the
 * dropped index is gone, the fill's time is in `_meta.esm`…) becomes `complete`,
 * noted `confirmed from the cluster`, with the cluster's document count where it
 * has one; the others keep their status. Before that, the actions of a run known
 * to be gone (its apply lock was taken over) are marked: in progress → `aborted`,
 * queued → `abandoned`.
 *
 * `judge` is the pure rule; `reconcileJournal` the shell around it.
 */
import type { LockDoc } from '../cluster/lock.js';
import type { InstanceMeta } from '../cluster/types.js';
import { assertNever } from '../errors.js';
import type { Emit } from '../apply/events.js';
import type { Cluster } from '../cluster/cluster.js';
import type { HistoryStore } from '../history/store.js';
import type { ActionRecord } from '../history/types.js';

/** What the cluster shows now, as far as reconciliation looks. */
export interface ReconcileWorld {
  /** The alias of a master in this environment (prefix included). */
  aliasOf: (master: string) => string;
  /** Indices of this environment: `_meta.esm` and top-level documents. */
  indices: ReadonlyMap<string, { meta: InstanceMeta | null; docs: number }>;
  /** alias -> the indices it points at. */
  aliases: Readonly<Record<string, readonly string[]>>;
  /** The apply lock's document (null: none held); undefined when it was not read. */
  lock?: LockDoc | null;
  /** A prune that died in its last delete (its detail lists the ids): how many of them the instance still holds, by action id. */
  pruneLeft?: ReadonlyMap<number, number>;
}

/** An unsettled action as the store lists it. */
export type Unsettled = ActionRecord & { superseded: boolean };

export type Verdict =
  /** The cluster shows the action's effect. */
  | { kind: 'confirmed'; what: string; docs?: number }
  /** Compared: nothing shows it took effect; its status stands. */
  | { kind: 'not_shown' }
  /** Another environment's action (another prefix): left for a run there. */
  | { kind: 'elsewhere' };

/** Does the cluster show that `a` took effect? (pure) */
export function judge(a: Unsettled, w: ReconcileWorld): Verdict {
  // Queued, never started: whatever the cluster shows is not its doing. A later action of
  // the same kind on the same target: what the cluster shows may be that one's.
  if (a.status === 'abandoned' || a.superseded) return { kind: 'not_shown' };
  if (a.action === 'lock') return judgeLock(a, w);
  const { master, instance } = a;
  if (master === null || instance === null) return { kind: 'not_shown' };
  const index = w.indices.get(instance);
  if (!index && !new RegExp(`^${escapeRe(w.aliasOf(master))}-\\d+$`).test(instance)) return { kind: 'elsewhere' };
  // A resumed fill counts from the start of the fill it resumed (its checkpoint says when): that is what it writes into filledAt.
  const from = a.checkpoint?.startedAt ?? a.startedAt;
  const started = from !== null ? Date.parse(from) : NaN;
  const since = (t: string | null | undefined) => typeof t === 'string' && !Number.isNaN(started) && Date.parse(t) >= started;
  switch (a.action) {
    case 'activate': {
      const alias = w.aliasOf(master);
      const targets = w.aliases[alias] ?? [];
      return targets.length === 1 && targets[0] === instance ? { kind: 'confirmed', what: `alias ${alias} points at ${instance}` } : { kind: 'not_shown' };
    }
    case 'drop':
      return index ? { kind: 'not_shown' } : { kind: 'confirmed', what: `${instance} no longer exists` };
    case 'create':
      return index?.meta?.master === master ? { kind: 'confirmed', what: `${instance} exists with its _meta.esm` } : { kind: 'not_shown' };
    case 'update':
      // A full fill writes the time it started into _meta.esm.filledAt as its last step.
      return index && since(index.meta?.filledAt)
        ? { kind: 'confirmed', what: `${instance} was filled (_meta.esm.filledAt ${index.meta!.filledAt}) and holds ${index.docs} documents`, docs: index.docs }
        : { kind: 'not_shown' };
    case 'partial_update':
      return index && since(index.meta?.lastUpdateAt) ? { kind: 'confirmed', what: `${instance} was updated (_meta.esm.lastUpdateAt ${index.meta!.lastUpdateAt})` } : { kind: 'not_shown' };
    case 'update_in_place': {
      const fp = a.detail?.fingerprint;
      return index && fp && index.meta?.fingerprint === fp ? { kind: 'confirmed', what: `${instance} carries the fingerprint ${fp}` } : { kind: 'not_shown' };
    }
    case 'prune': {
      // Its last delete was sent (the ids it deletes were saved first): all gone, the prune finished.
      const last = a.detail?.prune;
      if (!index || !last || w.pruneLeft?.get(a.id) !== 0) return { kind: 'not_shown' };
      const docs = last.deletedBefore + last.lastBatch.length;
      return { kind: 'confirmed', what: `the ${last.lastBatch.length} documents of its last delete are gone from ${instance} (${docs} deleted in all)`, docs };
    }
    case 'clear':
    case 'reset':
    case 'state_rebuild':
    case 'lock_release':
    case 'import':
    case 'plan':
    case 'companion_create':
    case 'companion_update':
    case 'companion_delete':
      return { kind: 'not_shown' };
    default:
      return assertNever(a.action, 'action');
  }
}

/** A release of the apply lock that failed: settled once that run's lock is gone (released, taken over, expired and replaced). */
function judgeLock(a: Unsettled, w: ReconcileWorld): Verdict {
  if (a.detail?.lock !== 'release' || w.lock === undefined) return { kind: 'not_shown' };
  const stillHeld = w.lock !== null && w.lock.pid === a.pid && w.lock.host === a.host;
  if (stillHeld) return { kind: 'not_shown' };
  return { kind: 'confirmed', what: w.lock === null ? 'no apply lock is held' : `the apply lock is held by another run (${w.lock.holder}, pid ${w.lock.pid} on ${w.lock.host})` };
}

/** The note of an action a later run found complete. */
export function confirmedNote(a: ActionRecord, what: string): string {
  return `confirmed from the cluster by a later run: ${what} (it was recorded ${a.status}${a.error ? `: ${a.error}` : ''})`;
}

/** What reconciliation uses of a session (the session calls it: no import back). */
export interface ReconcileSession {
  readonly prefix: string;
  store(): Promise<HistoryStore>;
  cluster(): Promise<Cluster>;
  alias(master: string): string;
  readonly emit: Emit;
}

export interface ReconcileOptions {
  /** A run known to be gone: the holder of the apply lock this run took over. */
  deadRun?: { host: string; pid: number; why: string };
}

/**
 * Settles what earlier runs left unsettled, as far as the cluster shows it.
 * Returns how many actions became `complete`. Reads the cluster only when
 * there is something to compare.
 */
export async function reconcileJournal(s: ReconcileSession, opts: ReconcileOptions = {}): Promise<number> {
  const store = await s.store();
  if (opts.deadRun) store.abandonRun(opts.deadRun.host, opts.deadRun.pid, opts.deadRun.why);
  const unsettled = store.unsettledActions();
  if (unsettled.length === 0) return 0;
  const cluster = await s.cluster();
  // A cluster this run could not reach is not waited for again: the next run compares.
  if (cluster.unreachable) return 0;
  const wantsLock = unsettled.some((a) => a.action === 'lock' && a.detail?.lock === 'release' && !a.superseded);
  const [snapshot, lock] = await Promise.all([cluster.snapshot(s.prefix), wantsLock ? cluster.currentLock(s.prefix) : Promise.resolve(undefined)]);
  const indices = new Map(snapshot.indices.map((i) => [i.name, { meta: i.meta, docs: i.docs }]));
  const pruneLeft = new Map<number, number>();
  for (const a of unsettled) {
    const last = a.detail?.prune;
    if (a.action !== 'prune' || a.superseded || a.status === 'abandoned' || !last || a.instance === null || !indices.has(a.instance)) continue;
    pruneLeft.set(a.id, (await cluster.idsPresent(a.instance, last.lastBatch)).length);
  }
  const world: ReconcileWorld = {
    aliasOf: (m) => s.alias(m),
    indices,
    aliases: snapshot.aliases,
    ...(lock !== undefined ? { lock } : {}),
    pruneLeft,
  };
  let confirmed = 0;
  const checked: number[] = [];
  for (const a of unsettled) {
    const v = judge(a, world);
    switch (v.kind) {
      case 'confirmed':
        store.settle(a.id, { status: 'complete', note: confirmedNote(a, v.what), clearError: true, ...(v.docs !== undefined ? { docsAffected: v.docs } : {}) });
        confirmed++;
        break;
      case 'not_shown':
        checked.push(a.id);
        break;
      case 'elsewhere':
        break;
      default:
        assertNever(v, 'verdict');
    }
  }
  store.markChecked(checked);
  if (confirmed > 0) s.emit({ kind: 'note', message: `${confirmed} earlier action${confirmed === 1 ? '' : 's'} found complete in the cluster (esm history shows them)` });
  return confirmed;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
