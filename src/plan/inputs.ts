/**
 * What the planner reads, in its own terms: of the cluster, each index's name,
 * aliases, settings, mappings, `_meta.esm` and document count; of the history,
 * the masters, the instances and the numbers used. The shell reads a cluster
 * snapshot and a history view, which have (at least) this shape, and passes
 * them in; plan/ depends on neither cluster/ nor history/.
 */

export interface PlanInstanceMeta {
  master: string;
  instance: number;
  fingerprint: string;
  createdAt: string;
  commit: string | null;
  filledAt?: string | null;
  lastUpdateAt?: string | null;
  /** The highest instance number this master has used, when above this instance's own. */
  numbersUsed?: number;
  /** The master's alias, on an instance esm adopted (see InstanceMeta.alias). */
  alias?: string;
  /** The uuid of the index this instance was cloned from when esm adopted it (see InstanceMeta.clonedFrom). */
  clonedFrom?: string;
  /** The fingerprint of the spec as the engine held it when esm created or last changed the instance (see InstanceMeta.engineFingerprint). */
  engineFingerprint?: string;
}

export interface PlanIndex {
  name: string;
  aliases: string[];
  settings: Record<string, unknown>;
  mappings: Record<string, unknown>;
  meta: PlanInstanceMeta | null;
  docs: number;
}

export interface PlanSnapshot {
  clusterName: string;
  engine?: string;
  version: string;
  indices: PlanIndex[];
  /** alias name -> concrete index names it points at. */
  aliases: Record<string, string[]>;
  capabilities: { reindex: boolean };
  /** Data nodes of the cluster (null or absent: not known, e.g. no `monitor` privilege). */
  dataNodes?: number | null;
}

/** A spec: settings (nested or dotted) and mappings. */
export interface PlanSpec {
  settings: Record<string, unknown>;
  mappings: Record<string, unknown>;
}

/**
 * What the engine would make of a master's spec (SPEC §7 "Desired state as the engine
 * will hold it"), read by the shell before planning (cluster/simulate.ts):
 * - `held`: the settings and mappings an instance would have, templates and engine
 *   defaults included, and the index template that applies to the name, if any;
 * - `refused`: the engine will not take the spec (its reasons);
 * - `unavailable`: the engine cannot say (no simulate API): the plan compares with the manifest's text.
 */
export type PlanEngineForm =
  | { kind: 'held'; spec: PlanSpec; template: { info: { name: string; composedOf: string[] }; spec: PlanSpec } | null }
  | { kind: 'refused'; reasons: string[] }
  | { kind: 'unavailable'; reason: string };

export interface PlanMasterRecord {
  name: string;
  activeInstance: string | null;
}

export interface PlanInstanceRecord {
  name: string;
  master: string;
  number: number;
  filledAt: string | null;
  lastUpdateAt: string | null;
  dropped: boolean;
}

export interface PlanHistory {
  masters: PlanMasterRecord[];
  instances: PlanInstanceRecord[];
  /** Highest instance number used, per `<prefix><master>`. */
  maxNumber: Record<string, number>;
  /** Per master, the docs/s of its last full fill (for estimates). */
  fillRates?: Record<string, number>;
  /** Per master, its active instance's last completed full fill (the offline plan's document counts). */
  lastFills?: Record<string, RecordedFill>;
  /** Per instance, a full fill that stopped before completing and left a checkpoint: what a fill of it resumes. */
  unfinishedFills?: Record<string, PlanUnfinishedFill>;
}

/** A full fill that stopped, as the history recorded its last checkpoint. */
export interface PlanUnfinishedFill {
  /** Documents in the instance up to `position`. */
  docs: number;
  total: number | null;
  /** When the stopped fill first started. */
  startedAt: string;
  /** When the checkpoint was taken. */
  at: string;
  /** Where the source stood, as stored (read with sources/position.ts `asPosition`). */
  position: Record<string, unknown>;
  /** How the action that recorded it ended. */
  status: string;
}

/** A completed full fill as the history recorded it: the instance, the documents it moved, when it ended. */
export interface RecordedFill {
  instance: string;
  docs: number;
  at: string;
}
