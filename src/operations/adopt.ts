/**
 * The plan's `adopt` step (SPEC §11): esm takes over an index it did not create,
 * recorded as one `import` action.
 * - `via: 'meta'`: `_meta.esm` is written into the index (`PUT _mapping`); nothing else changes.
 * - `via: 'clone'`: the index is used by name, and an alias cannot take a name an index has:
 *   (1) block its writes, (2) `_clone` it to the instance name, (3) in ONE `_aliases` call
 *   remove the index and add the alias → the clone, (4) make sure the clone takes writes.
 *   Reads go on (the engines answer 503 to a read that reaches them while they apply the
 *   swap, tens of milliseconds: clients retry it). A failure between (1) and (3) removes the clone and lifts the block:
 *   the index is as it was. A run killed there leaves the block and maybe a clone: the next
 *   plan sees them and resumes (the step's `resumes`).
 */
import { RefusedError, RuntimeError } from '../errors.js';
import { isStatus } from '../cluster/retry.js';
import type { InstanceMeta } from '../cluster/types.js';
import type { Session } from './session.js';

export interface AdoptTarget {
  master: string;
  alias: string;
  /** The index taken over (for a clone: the source, named like the alias). */
  index: string;
  number: number;
  fingerprint: string;
  /** The fingerprint of the spec as the engine holds it (the plan asked it), recorded beside the manifest's. */
  engineFingerprint?: string | undefined;
  via: 'meta' | 'clone';
  /** The clone's name (`via: 'clone'`). */
  to?: string | undefined;
  /** An earlier adoption of `index` stopped before its swap: its block and its clone are this one's to undo. */
  resumes?: boolean | undefined;
}

export interface AdoptResult {
  /** The instance the master now has: the index itself, or its clone. */
  instance: string;
  /** `via: 'clone'`: how long writes to the index were refused, from the block to the swap (ms). */
  writeBlockedMs?: number;
}

export async function adoptIndex(s: Session, t: AdoptTarget): Promise<AdoptResult> {
  if (t.via === 'clone' && t.to === undefined) throw new RuntimeError(`internal: the plan adopts ${t.index} by cloning it, and names no clone`);
  const instance = t.via === 'clone' ? t.to! : t.index;
  return s.record({ action: 'import', master: t.master, instance }, async () => {
    const cluster = await s.cluster();
    const now = s.now().toISOString();
    const commit = await s.commit();
    let result: AdoptResult;
    let createdAt = now;
    if (t.via === 'meta') {
      createdAt = creationTime(await cluster.getIndex(t.index)) ?? now;
      await cluster.updateMeta(t.index, meta(t, { createdAt, commit, now }));
      result = { instance };
    } else {
      result = { instance, writeBlockedMs: await adoptByClone(s, t, t.to!, meta(t, { createdAt, commit, now })) };
    }
    const store = await s.store();
    store.upsertMaster({ name: t.master, alias: t.alias });
    store.upsertInstance({ name: instance, master: t.master, number: t.number, fingerprint: t.fingerprint, createdAt, commit, filledAt: now, lastUpdateAt: null });
    // The alias already points at it (it is the active instance), or the swap just made it so.
    if (t.via === 'clone' || (await cluster.getIndex(t.alias))?.name === instance) store.setActive(t.master, instance);
    return result;
  });
}

/**
 * `_meta.esm` of an adopted index: it holds the documents applications wrote, so it
 * counts as filled now; no update time, so that a source added later fills it in full.
 */
function meta(t: AdoptTarget, o: { createdAt: string; commit: string | null; now: string }): InstanceMeta {
  return {
    master: t.master,
    instance: t.number,
    fingerprint: t.fingerprint,
    ...(t.engineFingerprint !== undefined ? { engineFingerprint: t.engineFingerprint } : {}),
    createdAt: o.createdAt,
    commit: o.commit,
    filledAt: o.now,
    lastUpdateAt: null,
    alias: t.alias,
  };
}

/**
 * Steps (1) to (4) of a clone adoption; returns how long writes were refused. Before the
 * block, a marker (the clone's name, the index's uuid) goes into the index's `_meta.esm`:
 * the clone inherits it at birth, and a later plan that finds it knows an adoption
 * stopped there, and whose the block and the clone are.
 */
async function adoptByClone(s: Session, t: AdoptTarget, to: string, m: InstanceMeta): Promise<number> {
  const cluster = await s.cluster();
  const source = await cluster.uuidOf(t.index);
  if (source === null) throw new RefusedError(`${t.index} no longer exists: nothing to adopt`);
  // A block already there is left in place on failure, unless an earlier adoption set it.
  const blockedBefore = !t.resumes && (await cluster.isWriteBlocked(t.index));
  const ours = async () => cloneSource(await cluster.readMeta(to)) === source;
  if ((await cluster.readMeta(to)) !== null) {
    if (!(await ours())) throw new RefusedError(`${to} exists and is not a clone of ${t.index} made by esm: esm does not touch it; nothing was changed`);
    await cluster.deleteIndices([to], { ignoreMissing: true });
  }
  await cluster.writeEsmMeta(t.index, { adoption: { to, source, startedAt: s.now().toISOString() } });
  const started = performance.now();
  try {
    await cluster.setWriteBlock(t.index, true);
    await cluster.flush(t.index);
    await cluster.cloneIndex(t.index, to).catch(async (e: unknown) => {
      // A retried clone whose first answer was lost finds its own clone there.
      if (!(isStatus(e, 400) && e.details.type === 'resource_already_exists_exception' && (await ours()))) throw e;
    });
    await Promise.all([cluster.refresh(t.index), cluster.refresh(to)]);
    const [had, has] = await Promise.all([cluster.count(t.index), cluster.count(to)]);
    if (had !== has) throw new RuntimeError(`the clone ${to} holds ${has} documents, ${t.index} holds ${had}`);
    await cluster.writeEsmMeta(to, { ...m, clonedFrom: source });
    await cluster.replaceIndexWithAlias(t.index, t.alias, to);
  } catch (e) {
    await undoClone(s, t.index, to, source, blockedBefore).catch((undo: Error) => {
      throw new RuntimeError(`adopting ${t.index} failed: ${(e as Error).message}; undoing it failed too (${undo.message}): run esm plan, which shows what is left, and esm apply, which resumes it`);
    });
    throw new RuntimeError(`adopting ${t.index} failed: ${(e as Error).message}; ${t.index} is as it was (its clone removed${blockedBefore ? '' : ', writes allowed again'})`);
  }
  const blockedMs = performance.now() - started;
  // The clone was made without the block; said again, in case an engine copied it.
  await cluster.setWriteBlock(to, null);
  return blockedMs;
}

/** Whose clone an index is: the uuid in the adoption marker it inherited, or in the `_meta.esm` esm gave it. */
function cloneSource(meta: Record<string, unknown> | null): string | null {
  const esm = meta?.['esm'];
  if (!esm || typeof esm !== 'object') return null;
  const e = esm as Record<string, unknown>;
  const marker = e['adoption'] as Record<string, unknown> | undefined;
  const from = marker && typeof marker === 'object' ? marker['source'] : e['clonedFrom'];
  return typeof from === 'string' ? from : null;
}

/** After a failure between the marker and the swap: the clone goes, the marker goes, the index takes writes again. */
async function undoClone(s: Session, index: string, to: string, source: string, keepBlock: boolean): Promise<void> {
  const cluster = await s.cluster();
  if (cloneSource(await cluster.readMeta(to)) === source) await cluster.deleteIndices([to], { ignoreMissing: true });
  if ((await cluster.uuidOf(index)) !== source) return;
  await cluster.writeEsmMeta(index, null);
  if (!keepBlock) await cluster.setWriteBlock(index, null);
}

/** The index's creation time (`index.creation_date`, ms since the epoch) as ISO 8601, when known. */
function creationTime(index: { settings: Record<string, unknown> } | null): string | null {
  const raw = index?.settings['creation_date'] ?? index?.settings['index.creation_date'];
  const ms = Number(raw);
  return raw !== undefined && Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
