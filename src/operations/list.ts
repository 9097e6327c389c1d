/**
 * `esm list`: where every master stands — its alias, active instance, desired
 * fingerprint, and each instance's documents, fingerprint, status and whether it
 * matches the manifest. Read-only: the state file is opened read-only, and with
 * `esOnly` not opened at all.
 */
import type { LockDoc } from '../cluster/lock.js';
import type { ClusterSnapshot } from '../cluster/types.js';
import type { ClusterIdentity } from '../plan/types.js';
import { InvalidInputError } from '../errors.js';
import type { HistoryView } from '../history/types.js';
import { masterState } from '../plan/instances.js';
import { isForeignInstance, isOwnInstance } from '../plan/naming.js';
import { parseTarget, type ForeignName, type Target } from './names.js';
import type { Session } from './session.js';
import type { CompanionKind } from '../companions/types.js';
import type { CompanionPlan } from '../plan/types.js';
import { assertNever } from '../errors.js';

export type InstanceStatus = 'active' | 'filled' | 'unfilled';

export interface ListedInstance {
  name: string;
  number: number;
  /** Recorded fingerprint; null for an index esm did not create. */
  fingerprint: string | null;
  active: boolean;
  docs: number;
  status: InstanceStatus;
  createdAt: string | null;
  commit: string | null;
  /** Has the manifest's fingerprint; null when no manifest declares the master. */
  current: boolean | null;
  /** Adopted under a name that is not `<master>-<N>` (SPEC §11): numbered 0, before every instance esm creates. */
  foreign: boolean;
}

export interface ListedMaster {
  name: string;
  alias: string;
  /** The manifest's fingerprint; null for an orphan (no manifest declares it). */
  fingerprint: string | null;
  active: string | null;
  instances: ListedInstance[];
  /** Declared by no manifest, but esm's indices for it are in the cluster. */
  orphan: boolean;
  /** Why esm cannot manage it as is (an index or a foreign alias in the way). */
  conflicts: string[];
}

/** Where a companion object stands (SPEC §12), from its plan: as declared, missing, different, … */
export type CompanionStatus = 'current' | 'missing' | 'differs' | 'unmarked' | 'foreign' | 'inline' | 'orphan';

export interface ListedCompanion {
  kind: CompanionKind;
  name: string;
  /** Its name in the cluster (prefix included). */
  id: string;
  status: CompanionStatus;
  /** Masters that use it, directly or through other companions. */
  usedBy: string[];
  /** A SynonymSet: through the synonyms API, or inlined into the masters' analysis. */
  synonyms?: 'api' | 'inline';
}

export interface Listing {
  prefix: string;
  /** The cluster listed: name, engine, version (absent for a snapshot that does not name its engine). */
  cluster?: ClusterIdentity;
  masters: ListedMaster[];
  /** Companion objects: declared, or esm's in the cluster (orphans). */
  companions?: ListedCompanion[];
  /** Who holds the prefix's apply lock, since when, until when (null: nobody); absent when not read. */
  lock?: LockDoc | null;
}

export const EMPTY_HISTORY: HistoryView = { masters: [], instances: [], maxNumber: {} };

/** Masters whose instances esm created in this environment (`<prefix><master>-<N>` carrying `_meta.esm`). */
export function managedMasters(prefix: string, snapshot: ClusterSnapshot): string[] {
  const names = new Set<string>();
  for (const index of snapshot.indices) {
    if (isOwnInstance(prefix, index)) names.add(index.meta!.master);
  }
  return [...names].sort();
}

export interface ListingInput {
  prefix: string;
  /** Declared masters and their desired fingerprints, in manifest order. */
  declared: { name: string; fingerprint: string }[];
  snapshot: ClusterSnapshot;
  history: HistoryView;
  /** Only these masters (empty: all). */
  only?: readonly string[];
}

/** The listing, from loaded data (pure). Unknown names in `only` are invalid input. */
export function buildListing(input: ListingInput): Listing {
  const { prefix, declared, snapshot, history } = input;
  const declaredNames = new Set(declared.map((d) => d.name));
  const orphans = managedMasters(prefix, snapshot).filter((m) => !declaredNames.has(m));
  const all = [...declared.map((d) => ({ name: d.name, fingerprint: d.fingerprint as string | null })), ...orphans.map((name) => ({ name, fingerprint: null }))];

  const only = input.only ?? [];
  const unknown = only.filter((name) => !all.some((m) => m.name === name));
  if (unknown.length) {
    const known = all.map((m) => m.name);
    throw new InvalidInputError(
      `unknown master${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}${known.length ? ` (known masters: ${known.join(', ')})` : ' (no manifests declare any master and the cluster holds none)'}`,
    );
  }
  const chosen = only.length ? all.filter((m) => only.includes(m.name)) : all;

  const masters = chosen.map(({ name, fingerprint }): ListedMaster => {
    const st = masterState(name, prefix, snapshot, history);
    const records = history.instances.filter((r) => r.master === name && !r.dropped);
    const instances = st.instances.map((inst): ListedInstance => {
      const record = records.find((r) => r.name === inst.name);
      const active = st.active?.name === inst.name;
      return {
        name: inst.name,
        number: inst.number,
        fingerprint: inst.fingerprint ?? (record?.fingerprint || null),
        active,
        docs: inst.index.docs,
        status: active ? 'active' : inst.filledAt ? 'filled' : 'unfilled',
        createdAt: inst.index.meta?.createdAt || record?.createdAt || null,
        commit: inst.index.meta?.commit ?? record?.commit ?? null,
        current: fingerprint === null ? null : inst.fingerprint === fingerprint,
        foreign: inst.foreign,
      };
    });
    return {
      name,
      alias: st.alias,
      fingerprint,
      active: st.active?.name ?? null,
      instances,
      orphan: fingerprint === null,
      conflicts: st.conflicts,
    };
  });
  return {
    prefix,
    ...(snapshot.engine !== undefined ? { cluster: { name: snapshot.clusterName, engine: snapshot.engine, version: snapshot.version } } : {}),
    masters,
  };
}

/** A companion's place in the listing, from what the plan would do with it. */
export function listedCompanion(c: CompanionPlan): ListedCompanion {
  return { kind: c.kind, name: c.name, id: c.id, status: companionStatus(c), usedBy: c.usedBy, ...(c.synonyms ? { synonyms: c.synonyms } : {}) };
}

function companionStatus(c: CompanionPlan): CompanionStatus {
  if (c.blocked) return 'foreign';
  switch (c.action) {
    case 'noop':
      return 'current';
    case 'create':
      return 'missing';
    case 'update':
      return c.changes.length ? 'differs' : 'unmarked';
    case 'adopt':
      return 'unmarked';
    case 'inline':
      return 'inline';
    case 'orphan':
    case 'delete':
      return 'orphan';
    default:
      return assertNever(c.action, 'companion action');
  }
}

/**
 * `esm list --json` (SPEC §8, §12), exactly these fields (and `foreign: true` on a foreign-named instance, SPEC §11),
 * the cluster it read (SPEC §10) and who holds the apply lock.
 */
export function listingJson(listing: Listing): {
  cluster?: ClusterIdentity;
  lock?: LockDoc | null;
  masters: Array<Omit<ListedMaster, 'orphan' | 'conflicts' | 'instances'> & { instances: Array<Omit<ListedInstance, 'foreign'> & { foreign?: true }> }>;
  companions: ListedCompanion[];
} {
  return {
    ...(listing.cluster ? { cluster: listing.cluster } : {}),
    ...(listing.lock !== undefined ? { lock: listing.lock } : {}),
    masters: listing.masters.map((m) => ({
      name: m.name,
      alias: m.alias,
      fingerprint: m.fingerprint,
      active: m.active,
      instances: m.instances.map((i) => ({
        name: i.name,
        number: i.number,
        fingerprint: i.fingerprint,
        active: i.active,
        docs: i.docs,
        status: i.status,
        createdAt: i.createdAt,
        commit: i.commit,
        current: i.current,
        // Only a foreign-named instance says so (SPEC §11): the documented shape of the others stays.
        ...(i.foreign ? { foreign: true } : {}),
      })),
    })),
    companions: (listing.companions ?? []).map((c) => ({ kind: c.kind, name: c.name, id: c.id, status: c.status, usedBy: c.usedBy, ...(c.synonyms ? { synonyms: c.synonyms } : {}) })),
  };
}

/** Reads manifests, the cluster and (unless `esOnly`) the state file, and lists. */
export async function listMasters(s: Session, opts: { only?: readonly string[]; esOnly?: boolean } = {}): Promise<Listing> {
  const [{ fingerprint }, { readTogether }] = await Promise.all([import('../fingerprint/index.js'), import('./read-together.js')]);
  // --es-only: what the cluster holds; a directory of manifests, when there is one, only adds which ones match.
  const lock = s.cluster().then((c) => c.currentLock(s.prefix));
  lock.catch(() => undefined);
  const { manifests, snapshot, store } = await readTogether(s, { store: !opts.esOnly, git: false, manifestsIfPresent: opts.esOnly ?? false });
  const history = store ? store.view() : EMPTY_HISTORY;
  const listing = buildListing({
    prefix: s.prefix,
    declared: manifests.map((m) => ({ name: m.name, fingerprint: m.fingerprint })),
    snapshot,
    history,
    ...(opts.only ? { only: opts.only } : {}),
  });
  const companions = await listCompanions(s, history, manifests.length > 0 || !opts.esOnly);
  const only = opts.only ?? [];
  return { ...listing, lock: await lock, companions: only.length ? companions.filter((c) => c.usedBy.some((m) => only.includes(m))) : companions };
}

/** The companions as the plan sees them (read-only): declared ones and esm's orphans, with the masters that use them. */
async function listCompanions(s: Session, history: HistoryView, declared: boolean): Promise<ListedCompanion[]> {
  const [{ readCompanionInput }, { planCompanions }] = await Promise.all([import('./companions.js'), import('../companions/plan.js')]);
  const resolved = declared ? await s.resolved() : { masters: [], companions: [], synonyms: null };
  const input = await readCompanionInput(s, resolved, history);
  return planCompanions({ prefix: s.prefix, declared: resolved.companions, masters: resolved.masters, live: input.live, synonyms: input.synonyms, owned: input.owned, prune: false }).map(
    listedCompanion,
  );
}

/** Every master a command may name: declared by a manifest, or managed by esm in the cluster. */
export async function knownMasters(s: Session): Promise<string[]> {
  return (await knownNames(s)).masters;
}

/** The masters a command may name (see knownMasters) and the foreign-named instances (`products_v3`) in the cluster. */
export async function knownNames(s: Session): Promise<{ masters: string[]; foreign: ForeignName[] }> {
  const [manifests, cluster] = await Promise.all([s.manifests(), s.cluster()]);
  const declared = manifests.map((m) => m.name);
  const snapshot = await cluster.snapshot(s.prefix);
  const managed = managedMasters(s.prefix, snapshot);
  return { masters: [...declared, ...managed.filter((m) => !declared.includes(m))], foreign: foreignInstances(s.prefix, snapshot) };
}

/** The foreign-named instances of this prefix in a snapshot (pure). */
export function foreignInstances(prefix: string, snapshot: ClusterSnapshot): ForeignName[] {
  return snapshot.indices.filter((i) => isForeignInstance(prefix, i)).map((i) => ({ name: i.name, master: i.meta!.master }));
}

/**
 * `parseTarget` over the declared masters; a name it does not know may be a
 * foreign-named instance, looked up in the cluster only then (a full read).
 */
export async function resolveTarget(s: Session, args: readonly string[], masters: readonly string[]): Promise<Target> {
  try {
    return parseTarget(s.prefix, args, masters);
  } catch (e) {
    if (!(e instanceof InvalidInputError)) throw e;
    const foreign = foreignInstances(s.prefix, await (await s.cluster()).snapshot(s.prefix));
    if (foreign.length === 0) throw e;
    return parseTarget(s.prefix, args, masters, foreign);
  }
}
