/** `esm history`: the journal of index actions, newest first. Read-only. */
import { InvalidInputError } from '../errors.js';
import type { ActionRecord } from '../history/types.js';
import type { Session } from './session.js';

/** One action as `esm history --json` shows it (SPEC §8; `note` added, schemas/history.schema.json). */
export interface HistoryEntry {
  id: number;
  action: ActionRecord['action'];
  master: string | null;
  instance: string | null;
  status: ActionRecord['status'];
  startedAt: string | null;
  endedAt: string | null;
  docsAffected: number | null;
  argv: string[];
  commit: string | null;
  planId: string | null;
  error: string | null;
  /** How the outcome was learnt when the call's answer did not tell (`confirmed from the cluster …`); null otherwise. */
  note: string | null;
}

export function historyEntry(a: ActionRecord): HistoryEntry {
  return {
    id: a.id,
    action: a.action,
    master: a.master,
    instance: a.instance,
    status: a.status,
    startedAt: a.startedAt,
    endedAt: a.endedAt,
    docsAffected: a.docsAffected,
    argv: a.argv,
    commit: a.commit,
    planId: a.planId,
    error: a.error,
    note: a.note ?? null,
  };
}

/**
 * Actions of every master, or of `master`, newest first, at most `limit`. A
 * master that neither the journal, the state nor a manifest knows is a typo:
 * invalid input naming the known ones. A missing state file is an empty journal
 * (and stays missing).
 */
export async function listHistory(s: Session, opts: { master?: string; limit?: number } = {}): Promise<{ actions: HistoryEntry[] }> {
  return { actions: (await readHistory(s, opts)).map(historyEntry) };
}

/** The actions `listHistory` lists, as recorded. */
export async function readHistory(s: Session, opts: { master?: string; limit?: number } = {}): Promise<ActionRecord[]> {
  const store = await s.store();
  const { master, limit } = opts;
  const actions = store.listActions({ ...(master !== undefined ? { master } : {}), ...(limit !== undefined ? { limit } : {}) });
  if (master !== undefined && actions.length === 0) {
    const known = new Set<string>();
    for (const a of store.listActions()) if (a.master) known.add(a.master);
    for (const m of store.view().masters) known.add(m.name);
    // The manifests only widen what counts as known; a broken manifest must not stop reading history.
    const declared = await s.manifestSet().then((set) => set.masters, () => []);
    for (const m of declared) known.add(m.name);
    if (!known.has(master)) {
      const names = [...known].sort();
      throw new InvalidInputError(`unknown master "${master}"${names.length ? ` (known masters: ${names.join(', ')})` : ' (no actions are recorded yet)'}`);
    }
  }
  return actions;
}
