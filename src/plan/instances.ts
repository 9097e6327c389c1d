/**
 * What the cluster and the history say about one master: its instances, the
 * active one, the next free number, and conflicts that stop planning it.
 */
import type { PlanHistory, PlanIndex, PlanInstanceRecord, PlanSnapshot } from './inputs.js';
import { aliasName, instanceNumber } from './naming.js';

export interface Instance {
  /** Concrete index name, prefix included. */
  name: string;
  number: number;
  index: PlanIndex;
  /** Created by esm (carries `_meta.esm`). */
  managed: boolean;
  /** Recorded fingerprint (`_meta.esm.fingerprint`), null when not esm-managed. */
  fingerprint: string | null;
  /** When a fill completed (`_meta.esm`, else the history), null if never. */
  filledAt: string | null;
  lastUpdateAt: string | null;
}

export interface MasterState {
  prefix: string;
  alias: string;
  /** Instances in the cluster, by number ascending. */
  instances: Instance[];
  active: Instance | null;
  /** Never reused: above every number of this prefix and master in the cluster and in the history. */
  nextNumber: number;
  /** Why esm cannot plan this master; empty when it can. */
  conflicts: string[];
}

/**
 * An instance of master `name` is an index named `<prefix><name>-<N>` whose
 * `_meta.esm`, when present, names this master. The name is required too: with
 * environment prefixes sharing a cluster, `qa1_movies-1` carries `master: movies`
 * but belongs to another environment than `movies-1`.
 */
export function masterState(name: string, prefix: string, snapshot: PlanSnapshot, history: PlanHistory): MasterState {
  const alias = aliasName(prefix, name);
  // Only this prefix's records: `qa1_movies-3` says nothing about the numbers of `movies`.
  const records = history.instances.filter((r) => r.master === name && instanceNumber(alias, r.name) !== null);

  let highest = history.maxNumber[alias] ?? 0;
  for (const r of records) highest = Math.max(highest, r.number);

  const instances: Instance[] = [];
  for (const index of snapshot.indices) {
    const number = instanceNumber(alias, index.name);
    if (number === null) continue;
    highest = Math.max(highest, number);
    if (index.meta && index.meta.master !== name) continue;
    highest = Math.max(highest, index.meta?.numbersUsed ?? 0);
    const record = records.find((r) => r.name === index.name && !r.dropped);
    instances.push(toInstance(index, number, record));
  }
  instances.sort((a, b) => a.number - b.number);

  const conflicts: string[] = [];
  if (snapshot.indices.some((i) => i.name === alias)) {
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

  return { prefix, alias, instances, active, nextNumber: highest + 1, conflicts };
}

function toInstance(index: PlanIndex, number: number, record: PlanInstanceRecord | undefined): Instance {
  const meta = index.meta;
  const filledAt = meta?.filledAt ?? record?.filledAt ?? null;
  return {
    name: index.name,
    number,
    index,
    managed: meta !== null,
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
