/** Reads the cluster and the history once and tells where one master stands. */
import { RefusedError } from '../errors.js';
import { masterState, type MasterState } from '../plan/instances.js';
import { instanceNumber } from '../plan/naming.js';
import type { Session } from './session.js';

export async function loadMasterState(s: Session, master: string, opts: { allowConflicts?: boolean } = {}): Promise<MasterState> {
  const cluster = await s.cluster();
  const store = await s.store();
  const view = store.view();
  // Foreign-named instances (`catalog_2023`) may be outside `<prefix><master>*`: the ones the history knows are read by name.
  const also = view.instances.filter((i) => i.master === master && !i.dropped && instanceNumber(s.alias(master), i.name) === null && i.name.startsWith(s.prefix)).map((i) => i.name);
  const snapshot = await cluster.snapshot(s.prefix, { master, ...(also.length ? { also } : {}) });
  const st = masterState(master, s.prefix, snapshot, view);
  if (st.conflicts.length && !opts.allowConflicts) {
    throw new RefusedError(`master ${master} is blocked: ${st.conflicts.join('; ')}`);
  }
  return st;
}

/** Makes sure the state file knows an instance that exists in the cluster (e.g. created from another machine). */
export async function ensureRecorded(
  s: Session,
  inst: { name: string; number: number; master: string; fingerprint: string | null; createdAt?: string | null; commit?: string | null; filledAt?: string | null; lastUpdateAt?: string | null },
): Promise<void> {
  const store = await s.store();
  const view = store.view();
  if (!view.masters.some((m) => m.name === inst.master)) store.upsertMaster({ name: inst.master, alias: s.alias(inst.master) });
  if (!view.instances.some((i) => i.name === inst.name && !i.dropped)) {
    store.upsertInstance({
      name: inst.name,
      master: inst.master,
      number: inst.number,
      fingerprint: inst.fingerprint ?? '',
      createdAt: inst.createdAt ?? s.now().toISOString(),
      commit: inst.commit ?? null,
      filledAt: inst.filledAt ?? null,
      lastUpdateAt: inst.lastUpdateAt ?? null,
    });
  }
}
