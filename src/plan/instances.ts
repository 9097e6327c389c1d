/**
 * What the cluster and the history say about one master: its instances, the
 * active one, the next free number, conflicts that stop planning it, and an
 * index esm could adopt (SPEC §11).
 */
import type { PlanHistory, PlanIndex, PlanInstanceRecord, PlanSnapshot } from './inputs.js';
import { aliasName, FOREIGN_NUMBER, instanceNumber, instanceOf, isForeignInstance } from './naming.js';

export interface Instance {
  /** Concrete index name, prefix included. */
  name: string;
  number: number;
  index: PlanIndex;
  /** Created or adopted by esm (carries `_meta.esm`). */
  managed: boolean;
  /** Adopted under a name that is not `<prefix><master>-<N>` (`products_v3`): numbered FOREIGN_NUMBER, before every instance esm creates. */
  foreign: boolean;
  /** Recorded fingerprint (`_meta.esm.fingerprint`), null when not esm-managed. */
  fingerprint: string | null;
  /** When a fill completed (`_meta.esm`, else the history), null if never. */
  filledAt: string | null;
  lastUpdateAt: string | null;
}

/**
 * An index esm did not create that would be this master's instance once adopted
 * (SPEC §11). The planner adopts it when it matches the manifest.
 */
export type Adoption =
  /** The alias points at this one index (any name): `_meta.esm` is written into it. */
  | { kind: 'alias'; index: PlanIndex; number: number }
  /** No alias yet, and this is the one index that would be the master (`orders-3`, `orders_v2`): `_meta.esm`, then the alias. */
  | { kind: 'bare'; index: PlanIndex; number: number }
  /**
   * A concrete index has the alias's name (applications use it by name): it is cloned to `to`
   * and swapped for the alias. `resumes`: an adoption of it stopped before its swap (its
   * marker is on the index); `leftover`: that adoption's clone `to` exists already.
   */
  | { kind: 'clone'; index: PlanIndex; to: string; number: number; resumes: boolean; leftover: boolean };

export interface MasterState {
  prefix: string;
  alias: string;
  /** Instances in the cluster, by number ascending (foreign-named ones first). */
  instances: Instance[];
  active: Instance | null;
  /** Never reused: above every number of this prefix and master in the cluster and in the history. */
  nextNumber: number;
  /** Why esm cannot plan this master; empty when it can. */
  conflicts: string[];
  /** An index esm could take over for this master (see Adoption), else null. */
  adoption: Adoption | null;
}

/**
 * An instance of master `name` is an index named `<prefix><name>-<N>` whose
 * `_meta.esm`, when present, names this master. The name is required too: with
 * environment prefixes sharing a cluster, `qa1_movies-1` carries `master: movies`
 * but belongs to another environment than `movies-1`. An index esm adopted under
 * another name (`products_v3`) is one too: its `_meta.esm.alias` places it.
 */
export function masterState(name: string, prefix: string, snapshot: PlanSnapshot, history: PlanHistory): MasterState {
  // The same inputs give the same state: a plan asks twice per master (which engine forms
  // it needs, then the decision), and each ask walks every index and record.
  let byHistory = memo.get(snapshot);
  if (!byHistory) memo.set(snapshot, (byHistory = new WeakMap()));
  let states = byHistory.get(history);
  if (!states) byHistory.set(history, (states = new Map()));
  const key = `${prefix}\u0000${name}`;
  let state = states.get(key);
  if (!state) states.set(key, (state = computeMasterState(name, prefix, snapshot, history)));
  return state;
}

const memo = new WeakMap<PlanSnapshot, WeakMap<PlanHistory, Map<string, MasterState>>>();

function computeMasterState(name: string, prefix: string, snapshot: PlanSnapshot, history: PlanHistory): MasterState {
  const alias = aliasName(prefix, name);
  // Only this prefix's records: `qa1_movies-3` says nothing about the numbers of `movies`.
  const records = history.instances.filter((r) => r.master === name && instanceNumber(alias, r.name) !== null);
  const foreignRecords = history.instances.filter((r) => r.master === name && instanceNumber(alias, r.name) === null);

  let highest = history.maxNumber[alias] ?? 0;
  for (const r of records) highest = Math.max(highest, r.number);

  const concrete = snapshot.indices.find((i) => i.name === alias) ?? null;
  const marker = concrete ? adoptionMarker(concrete) : null;
  const leftover = concrete && marker ? leftoverClone(concrete, marker, snapshot) : null;

  const instances: Instance[] = [];
  for (const index of snapshot.indices) {
    const number = instanceNumber(alias, index.name);
    if (number === null) {
      if (index.meta?.master === name && isForeignInstance(prefix, index)) {
        highest = Math.max(highest, index.meta.numbersUsed ?? 0);
        const record = foreignRecords.find((r) => r.name === index.name && !r.dropped);
        instances.push(toInstance(index, index.meta.instance, record, true));
      }
      continue;
    }
    highest = Math.max(highest, number);
    if (index.meta && index.meta.master !== name) continue;
    // The half-made clone of an interrupted adoption is no instance: the adoption deletes it and clones again.
    if (index === leftover) continue;
    highest = Math.max(highest, index.meta?.numbersUsed ?? 0);
    const record = records.find((r) => r.name === index.name && !r.dropped);
    instances.push(toInstance(index, number, record, false));
  }
  instances.sort((a, b) => a.number - b.number || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const conflicts: string[] = [];
  if (concrete) {
    conflicts.push(`an index named "${alias}" exists where esm needs the alias "${alias}" of master ${name}: rename or delete that index, or choose another master name`);
  }
  const targets = aliasTargets(alias, snapshot);
  const foreign = targets.filter((t) => !instances.some((i) => i.name === t));
  if (foreign.length > 0) {
    conflicts.push(`the alias "${alias}" points at ${foreign.map((f) => `"${f}"`).join(', ')}, which is not an instance of master ${name}`);
  } else if (targets.length > 1) {
    conflicts.push(`the alias "${alias}" points at several instances (${targets.join(', ')}); esm expects at most one`);
  }
  const active = foreign.length === 0 && targets.length === 1 ? (instances.find((i) => i.name === targets[0]) ?? null) : null;

  const nextNumber = highest + 1;
  return { prefix, alias, instances, active, nextNumber, conflicts, adoption: adoptionOf({ alias, concrete, marker, leftover, targets, foreign, instances, active, nextNumber, snapshot }) };
}

function adoptionOf(o: {
  alias: string;
  concrete: PlanIndex | null;
  marker: AdoptionMarker | null;
  leftover: PlanIndex | null;
  targets: string[];
  foreign: string[];
  instances: Instance[];
  active: Instance | null;
  nextNumber: number;
  snapshot: PlanSnapshot;
}): Adoption | null {
  const managed = o.instances.some((i) => i.managed);
  if (o.concrete) {
    if (managed || o.targets.length > 0) return null;
    // An adoption that stopped before its swap is resumed under the name it chose.
    const taken = (name: string) => o.snapshot.indices.some((i) => i.name === name) && o.leftover?.name !== name;
    const to = o.marker && instanceNumber(o.alias, o.marker.to) !== null && !taken(o.marker.to) ? o.marker.to : instanceOf(o.alias, o.nextNumber);
    const number = instanceNumber(o.alias, to) ?? o.nextNumber;
    return { kind: 'clone', index: o.concrete, to, number, resumes: o.marker !== null, leftover: o.leftover !== null };
  }
  if (o.targets.length === 1) {
    if (o.active && !o.active.managed) return { kind: 'alias', index: o.active.index, number: o.active.number };
    const index = o.foreign.length === 1 ? o.snapshot.indices.find((i) => i.name === o.foreign[0]) : undefined;
    // An index that carries another master's `_meta.esm` is no one's to take.
    return index && index.meta === null && !managed ? { kind: 'alias', index, number: FOREIGN_NUMBER } : null;
  }
  if (o.targets.length > 0 || managed) return null;
  const versioned = new RegExp(`^${escapeRegExp(o.alias)}_v\\d+$`);
  const candidates = [
    ...o.instances.filter((i) => !i.managed).map((i) => ({ index: i.index, number: i.number })),
    ...o.snapshot.indices.filter((i) => i.meta === null && versioned.test(i.name)).map((index) => ({ index, number: FOREIGN_NUMBER })),
  ];
  return candidates.length === 1 ? { kind: 'bare', ...candidates[0]! } : null;
}

/**
 * What an adoption by clone writes into the index's `_meta.esm` before it blocks
 * writes (and so what its clone inherits at birth): the clone's name and the
 * index's uuid. Found on an index, it says an adoption stopped before its swap.
 */
export interface AdoptionMarker {
  to: string;
  /** `index.uuid` of the index being adopted. */
  source: string;
}

export function adoptionMarker(index: Pick<PlanIndex, 'mappings'>): AdoptionMarker | null {
  const meta = index.mappings['_meta'];
  const esm = meta && typeof meta === 'object' ? (meta as Record<string, unknown>)['esm'] : undefined;
  const m = esm && typeof esm === 'object' ? (esm as Record<string, unknown>)['adoption'] : undefined;
  if (!m || typeof m !== 'object') return null;
  const { to, source } = m as Record<string, unknown>;
  return typeof to === 'string' && typeof source === 'string' ? { to, source } : null;
}

/**
 * The clone an interrupted adoption of `concrete` left behind: the index its marker
 * names, holding no alias, made from this very index (it inherited the marker, or
 * already got its own `_meta.esm` saying it was cloned from it). Null when there is none.
 */
export function leftoverClone(concrete: PlanIndex, marker: AdoptionMarker, snapshot: PlanSnapshot): PlanIndex | null {
  const clone = snapshot.indices.find((i) => i.name === marker.to && i !== concrete && i.aliases.length === 0);
  if (!clone) return null;
  return adoptionMarker(clone)?.source === marker.source || clone.meta?.clonedFrom === marker.source ? clone : null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function toInstance(index: PlanIndex, number: number, record: PlanInstanceRecord | undefined, foreign: boolean): Instance {
  const meta = index.meta;
  const filledAt = meta?.filledAt ?? record?.filledAt ?? null;
  return {
    name: index.name,
    number,
    index,
    managed: meta !== null,
    foreign,
    fingerprint: meta?.fingerprint ?? null,
    filledAt,
    lastUpdateAt: meta?.lastUpdateAt ?? record?.lastUpdateAt ?? null,
  };
}

/** Indices an alias points at, from both views the snapshot offers. */
export function aliasTargets(alias: string, snapshot: PlanSnapshot): string[] {
  const targets = new Set(snapshot.aliases[alias] ?? []);
  for (const i of snapshot.indices) if (i.aliases.includes(alias)) targets.add(i.name);
  return [...targets].sort();
}
