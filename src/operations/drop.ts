/** `esm drop`: delete instances. The active instance is refused unless forced. */
import { confirmedWords } from '../cluster/confirm.js';
import { InvalidInputError, RefusedError } from '../errors.js';
import { loadMasterState } from './master-state.js';
import type { Session } from './session.js';

export interface DropResult {
  dropped: string[];
}

/** Drops instance `number` of `master`; `force` allows the active one (its alias goes with it). */
export async function dropInstances(s: Session, targets: { master: string; number: number; name?: string }[], opts: { force?: boolean; reason?: string } = {}): Promise<DropResult> {
  const dropped: string[] = [];
  // Check every target before deleting anything: nothing half-done on a refusal.
  const checked = [];
  for (const t of targets) {
    const st = await loadMasterState(s, t.master, { allowConflicts: true });
    // A foreign-named instance is found by its name (it has no number of its own).
    const inst = st.instances.find((i) => (t.name !== undefined ? i.name === t.name : i.number === t.number));
    const name = t.name ?? s.instance(t.master, t.number);
    if (!inst) throw new InvalidInputError(`${name} does not exist (instances of ${t.master}: ${st.instances.map((i) => i.name).join(', ') || 'none'})`);
    const isActive = st.active?.name === inst.name;
    if (isActive && !opts.force) {
      throw new RefusedError(`${inst.name} is the active instance of ${t.master} (alias ${st.alias}); dropping it takes the alias down. Pass --force to drop it anyway`);
    }
    checked.push({ master: t.master, name: inst.name, isActive });
  }
  for (const c of checked) {
    await dropIndex(s, { master: c.master, index: c.name, wasActive: c.isActive });
    dropped.push(c.name);
  }
  for (const master of new Set(checked.map((c) => c.master))) await keepNumbersUsed(s, master);
  return { dropped };
}

/**
 * Numbers are never reused, and the cluster alone must say so (a pull-request
 * plan has no state file): when the newest instance of a master was dropped,
 * the newest remaining one records the highest number used in its `_meta.esm`.
 */
async function keepNumbersUsed(s: Session, master: string): Promise<void> {
  const st = await loadMasterState(s, master, { allowConflicts: true });
  const newest = st.instances.filter((i) => i.managed).at(-1);
  const used = st.nextNumber - 1;
  if (!newest || newest.number >= used || (newest.index.meta?.numbersUsed ?? 0) >= used) return;
  const cluster = await s.cluster();
  await cluster.updateMeta(newest.name, { numbersUsed: used });
}

/** `esm drop <master> --older`: every instance older than the active one. */
export async function dropOlder(s: Session, master: string, opts: { force?: boolean } = {}): Promise<DropResult> {
  const st = await loadMasterState(s, master, { allowConflicts: true });
  if (!st.active) throw new RefusedError(`${master} has no active instance, so no instance is "older" than it; name the instances to drop`);
  const older = st.instances.filter((i) => i.number < st.active!.number);
  return dropInstances(
    s,
    older.map((i) => ({ master, number: i.number })),
    opts,
  );
}

/** The plan's `drop` step: delete the index, recorded as `drop`; `wasActive` also forgets the master's active instance. */
export async function dropIndex(s: Session, t: { master: string; index: string; wasActive?: boolean }): Promise<void> {
  await s.record({ action: 'drop', master: t.master, instance: t.index }, async (_id, action) => {
    const cluster = await s.cluster();
    const confirmed = await cluster.deleteIndices([t.index], { ignoreMissing: true });
    if (confirmed) action.note(confirmedWords(confirmed));
    const store = await s.store();
    store.markDropped(t.index, s.now().toISOString());
    if (t.wasActive) store.setActive(t.master, null);
  });
}
