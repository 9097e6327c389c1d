/**
 * `esm clear`: remove every document of an instance and keep its schema (the
 * seed's es_clear). The instance counts as never filled afterwards, so the next
 * `esm update` sends every document again instead of only recent changes.
 */
import { InvalidInputError, RefusedError } from '../errors.js';
import { ensureRecorded, loadMasterState } from './master-state.js';
import type { Session } from './session.js';

export interface ClearResult {
  master: string;
  index: string;
  deleted: number;
}

/** Clears instance `number` of `master`, or its active instance when `number` is null; the active instance only with `force`. */
export async function clearInstance(
  s: Session,
  master: string,
  number: number | null,
  opts: { force?: boolean; onProgress?: (p: { deleted: number; total: number }) => void } = {},
): Promise<ClearResult> {
  const st = await loadMasterState(s, master, { allowConflicts: true });
  const inst = number === null ? st.active : st.instances.find((i) => i.number === number);
  const names = st.instances.map((i) => i.name).join(', ') || 'none';
  if (!inst) {
    throw new InvalidInputError(
      number === null
        ? st.instances.length
          ? `${master} has no active instance to clear; name the instance, e.g. esm clear ${st.instances.at(-1)!.name} (instances: ${names})`
          : `${master} has no instance to clear`
        : `${s.instance(master, number)} does not exist (instances of ${master}: ${names})`,
    );
  }
  if (inst === st.active && !opts.force) {
    throw new RefusedError(
      `${inst.name} is the active instance of ${master} (the alias ${st.alias} serves it): clearing it leaves readers an empty index until it is filled again; pass --force to clear it anyway`,
    );
  }
  await ensureRecorded(s, { ...inst, master, createdAt: inst.index.meta?.createdAt || null, commit: inst.index.meta?.commit ?? null });
  const deleted = await s.record(
    { action: 'clear', master, instance: inst.name },
    async () => {
      const cluster = await s.cluster();
      const res = await cluster.clear(inst.name, { ...(s.signal ? { signal: s.signal } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
      if (inst.managed) await cluster.updateMeta(inst.name, { filledAt: null, lastUpdateAt: null });
      const store = await s.store();
      const record = store.view().instances.find((r) => r.name === inst.name);
      if (record) store.upsertInstance({ ...record, filledAt: null, lastUpdateAt: null });
      return res.deleted;
    },
    (n) => n,
  );
  return { master, index: inst.name, deleted };
}
