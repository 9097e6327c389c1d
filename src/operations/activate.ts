/**
 * `esm activate` and `esm rollback`: the alias swap, in one `_aliases` call.
 * Refuses an instance that was never filled, or that holds fewer documents than
 * `activation.minDocRatio` of the active one, unless forced (SPEC §6, §9).
 */
import { confirmedWords } from '../cluster/confirm.js';
import { InvalidInputError, RefusedError } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import type { Instance } from '../plan/instances.js';
import { reachableHealth, replicaNeed } from '../plan/replicas.js';
import { ensureRecorded, loadMasterState } from './master-state.js';
import { healthReached, shardWords, waitForHealth } from './wait-health.js';
import type { Session } from './session.js';

export interface ActivateResult {
  master: string;
  alias: string;
  from: string | null;
  to: string;
  changed: boolean;
  message: string;
  /** `esm rollback`: how the instance gone back to differs from the one it replaces (said before the swap). */
  differences?: string[];
}

/**
 * Activates instance `which` of the master — its number, or its index name (a
 * foreign-named instance such as `products_v3` has no number of its own) — or its
 * latest instance when `which` is null.
 */
export interface ActivateOptions {
  /** Skip the "filled" and minDocRatio checks. */
  force?: boolean;
  /** How long to wait for the instance to be green before the swap (`--wait-timeout`, default 30 min). */
  waitTimeoutMs?: number;
  /** Told once, before waiting, what is waited for (the instance not green yet); and of a health it can never pass. */
  onWait?: (info: { index: string; want: 'green' | 'yellow'; now: string; warning: string | null }) => void;
}

export async function activateInstance(s: Session, manifest: Manifest, which: number | string | null, opts: ActivateOptions = {}): Promise<ActivateResult> {
  const master = manifest.name;
  const st = await loadMasterState(s, master);
  const to = which === null ? st.instances.at(-1) : st.instances.find((i) => (typeof which === 'string' ? i.name === which : i.number === which));
  if (!to) {
    const want = which === null ? 'instance' : typeof which === 'string' ? which : s.instance(master, which);
    throw new InvalidInputError(`${master} has no ${want} to activate (instances: ${st.instances.map((i) => i.name).join(', ') || 'none'})`);
  }
  return swapTo(s, manifest, st.alias, st.active, to, opts);
}

/** Activates the instance that was active before the current one, per the journal. */
export async function rollback(s: Session, manifest: Manifest, opts: ActivateOptions & { onDifferences?: (lines: string[]) => void } = {}): Promise<ActivateResult> {
  const master = manifest.name;
  const st = await loadMasterState(s, master);
  const store = await s.store();
  // An adoption made its instance the active one too (the alias pointed at it, or was swapped onto it).
  const activations = store
    .listActions({ master })
    .filter((a) => (a.action === 'activate' || a.action === 'import') && a.status === 'complete' && a.instance)
    .map((a) => a.instance!);
  const current = st.active?.name ?? null;
  const previous = activations.find((name) => name !== current && st.instances.some((i) => i.name === name));
  if (!previous) {
    throw new RefusedError(`no previously active instance of ${master} is recorded that still exists; use esm activate ${master} <instance>`);
  }
  const to = st.instances.find((i) => i.name === previous)!;
  const differences = st.active ? await compareInstances(s, manifest, to, st.active) : [];
  opts.onDifferences?.(differences);
  const result = await swapTo(s, manifest, st.alias, st.active, to, opts);
  return { ...result, differences };
}

/** How `to` differs from `active`: fingerprint against the manifest, documents, last update. */
async function compareInstances(s: Session, manifest: Manifest, to: Instance, active: Instance): Promise<string[]> {
  const cluster = await s.cluster();
  const [have, had] = await Promise.all([cluster.count(to.name), cluster.count(active.name)]);
  const fp = (i: Instance) => i.fingerprint ?? '(none: not created by esm)';
  const fingerprint =
    to.fingerprint === manifest.fingerprint
      ? `fingerprint: ${to.name} has the manifest's ${manifest.fingerprint}${active.fingerprint === manifest.fingerprint ? `, as ${active.name} does` : ` (${active.name} has ${fp(active)})`}`
      : `fingerprint: ${to.name} has ${fp(to)}, not the manifest's ${manifest.fingerprint} (${active.name} ${active.fingerprint === manifest.fingerprint ? 'has it' : `has ${fp(active)}`})`;
  const when = (i: Instance) => i.lastUpdateAt ?? i.filledAt ?? 'never';
  return [fingerprint, `documents: ${to.name} holds ${have}, ${active.name} holds ${had}`, `last update: ${to.name} ${when(to)}, ${active.name} ${when(active)}`];
}

async function swapTo(s: Session, manifest: Manifest, alias: string, active: Instance | null, to: Instance, opts: ActivateOptions): Promise<ActivateResult> {
  const master = manifest.name;
  const force = opts.force ?? false;
  if (active?.name === to.name) {
    return { master, alias, from: active.name, to: to.name, changed: false, message: `${to.name} is already active behind ${alias}` };
  }
  if (!force && !to.filledAt) {
    throw new RefusedError(`${to.name} was never filled; fill it first (esm update ${to.name} --full) or pass --force`);
  }
  await untilPlaced(s, to, opts);
  await ensureRecorded(s, { ...to, master, createdAt: to.index.meta?.createdAt ?? null, commit: to.index.meta?.commit ?? null });
  await swapAlias(s, { master, alias, from: active?.name ?? null, to: to.name, minDocRatio: force ? 0 : manifest.spec.activation.minDocRatio });
  return { master, alias, from: active?.name ?? null, to: to.name, changed: true, message: `${alias} → ${to.name}${active ? ` (was ${active.name})` : ''}` };
}

/**
 * As apply's `wait` step (SPEC §13): readers are not moved to an instance whose shard copies
 * are not all placed. Green, or yellow where the cluster can never place every replica
 * (then said, as the plan says it).
 */
async function untilPlaced(s: Session, to: Instance, opts: ActivateOptions): Promise<void> {
  const cluster = await s.cluster();
  const now = await cluster.indexHealth(to.name, s.signal);
  const want = reachableHealth(to.index.settings, now.dataNodes);
  if (healthReached(now, want) && want === 'green') return;
  const { replicas } = replicaNeed(to.index.settings);
  const warning =
    want === 'yellow'
      ? `${to.name} has ${replicas} replica${replicas === 1 ? '' : 's'} of each shard and the cluster ${now.dataNodes} data node${now.dataNodes === 1 ? '' : 's'}: it can never be green; activation waits for yellow (every primary active)`
      : null;
  opts.onWait?.({ index: to.name, want, now: shardWords(now), warning });
  await waitForHealth(s, to.name, want, { ...(opts.waitTimeoutMs !== undefined ? { timeoutMs: opts.waitTimeoutMs } : {}), again: 'esm activate' });
}

/**
 * The plan's `activate` step: one atomic alias swap, recorded as `activate`.
 * With `minDocRatio` above 0 and an instance to move from, `to` must hold at
 * least that share of its documents (SPEC §9), or the swap is refused.
 */
export async function swapAlias(s: Session, t: { master: string; alias: string; from: string | null; to: string; minDocRatio: number }): Promise<void> {
  const cluster = await s.cluster();
  if (t.from !== null && t.minDocRatio > 0) {
    await cluster.refresh(t.to);
    const [have, had] = await Promise.all([cluster.count(t.to), cluster.count(t.from)]);
    if (have < t.minDocRatio * had) {
      throw new RefusedError(
        `${t.to} holds ${have} documents, fewer than activation.minDocRatio ${t.minDocRatio} × ${had} of the active ${t.from}; fill it or pass --force`,
      );
    }
  }
  await s.record({ action: 'activate', master: t.master, instance: t.to }, async (_id, action) => {
    const confirmed = await cluster.swapAlias(t.alias, { from: t.from, to: t.to });
    if (confirmed) action.note(confirmedWords(confirmed));
    const store = await s.store();
    store.upsertMaster({ name: t.master, alias: t.alias, activeInstance: t.to });
  });
}
