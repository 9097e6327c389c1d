/** A plan is plain data (SPEC §7): computed once, rendered many ways, saved to a file. */
import type { CompanionKind, SynonymsPath, SynonymsSupport } from '../companions/types.js';
import type { Manifest, MasterSpec } from '../manifest/types.js';
import type { SourcePosition } from '../sources/position.js';
import type { RecordedFill } from './inputs.js';

/** Every decision, in the order SPEC §7 names them; `Decision` is derived from it, so a new one is listed here or nowhere. */
export const DECISIONS = ['create', 'noop', 'catch_up_activate', 'in_place', 'replace', 'adopt'] as const;
export type Decision = (typeof DECISIONS)[number];

export type Via = 'source' | 'reindex';

/**
 * Why an instance counts as filled without documents being sent: the master has
 * no source (applications write through the alias), or it reindexes from its own
 * active instance and there is none yet (its first deployment).
 */
export type EmptyFill = 'no_source' | 'nothing_to_reindex';

/**
 * One change, with what it needs to run: the executor checks a step's
 * preconditions and runs it; it never decides again. What the master's steps
 * share (the spec to create with, the fingerprint, the source, `idField`,
 * `updatedField`, `activation.minDocRatio`) is on the MasterPlan.
 */
export type Step =
  /** Create instance `number` with the master's spec and fingerprint. */
  | { op: 'create'; index: string; number: number }
  /**
   * Send every document of the source. `via: 'reindex'` copies from `from` (an
   * index or alias). A fill of an instance other than the one active at plan
   * time runs tuned (no refresh, no replicas, restored after). `resume`: a fill
   * of it stopped; this one goes on from where that one's checkpoint says.
   */
  | { op: 'fill'; index: string; mode: 'full'; via: Via; from?: string; reason?: string; resume?: FillResume }
  /**
   * Send the documents changed since `since`; null: since the fill of the same
   * instance earlier in this plan started. With `from`, they are reindexed from
   * there. `keepCheckpoint`: changes before `since` stay unsent (`esm update
   * --since` past the last update), so the instance's last update time stays.
   */
  | { op: 'catch_up'; index: string; since: string | null; from?: string; keepCheckpoint?: true }
  /** Record an instance as filled with no document sent (see EmptyFill). */
  | { op: 'mark_filled'; index: string; why: EmptyFill }
  /**
   * Before an activation: delete the documents of `index` whose id the source no
   * longer has (SPEC §3 "Deletions", the id-set comparison; streamed, §13).
   */
  | { op: 'prune'; index: string }
  /**
   * Before an activation: wait until `index` is `health` (SPEC §13), bounded by `apply
   * --wait-timeout`. Green: every primary and replica shard active; yellow: every primary
   * (the plan warns that the cluster can never place its replicas).
   */
  | { op: 'wait'; index: string; health: 'green' | 'yellow' }
  | { op: 'activate'; alias: string; from: string | null; to: string }
  | {
      op: 'in_place';
      index: string;
      /** Body for `PUT <index>/_settings` (dotted keys, null resets), or null when nothing to send. */
      settings: Record<string, unknown> | null;
      /** Body for `PUT <index>/_mapping`, or null. */
      mappings: Record<string, unknown> | null;
    }
  | { op: 'drop'; index: string; reason: string }
  /**
   * Take over `index`, an index esm did not create that matches the manifest (SPEC §11),
   * as instance `number` (FOREIGN_NUMBER for a name that is not `<alias>-<N>`), recorded
   * as `import`. `via: 'meta'`: write `_meta.esm` into it. `via: 'clone'`: `index` is a
   * concrete index named like the alias: block its writes, `_clone` it to `to`, remove it
   * and add the alias → `to` in ONE `_aliases` call, lift the block. `resumes`: an earlier
   * adoption of `index` stopped before its swap; the write block on `index` and a clone
   * `to` made from it are that adoption's (the clone is deleted and made again).
   */
  | { op: 'adopt'; index: string; number: number; via: AdoptVia; to?: string; resumes?: true };

/** How an index is adopted: `_meta.esm` written in place, or cloned to an instance name and swapped for the alias. */
export type AdoptVia = 'meta' | 'clone';

/** Where a stopped fill of the instance stood at its last checkpoint (SPEC §13): the fill resumes from here. */
export interface FillResume {
  /** Documents in the instance up to the checkpoint. */
  docs: number;
  /** Documents the stopped fill's source counted, when it could. */
  total: number | null;
  /** When the stopped fill first started: a catch-up after the resume sends what changed since. */
  startedAt: string;
  /** Where the source stood: the file and byte offset, the last key, or the reindex task. */
  position: SourcePosition;
}

export const STEP_OPS = ['create', 'fill', 'catch_up', 'mark_filled', 'prune', 'wait', 'activate', 'in_place', 'drop', 'adopt'] as const satisfies readonly Step['op'][];

/**
 * drift: the live index differs from what it was created with; orphan: a master no manifest
 * declares; conflict: something in the cluster stops esm from planning a master;
 * template_conflict: an index template matching the master's instances declares what the
 * manifest declares, otherwise (the manifest wins at creation); replicas: the cluster can never
 * place the replicas an instance asks for (too few data nodes), so it never turns green.
 */
export type WarningCode = 'drift' | 'orphan' | 'conflict' | 'template_conflict' | 'replicas';

export interface PlanWarning {
  code: WarningCode;
  master: string;
  message: string;
}

/** How deletions in the source reach a new instance (SPEC §3 "Deletions"). */
export type DeletionMethod = 'deleted_field' | 'id_set' | 'deleted_field_and_id_set' | 'none';

export interface DeletionPlan {
  method: DeletionMethod;
  /** For people; also one of the master's reasons. */
  reason: string;
}

export interface MasterPlan {
  name: string;
  /** Alias name in the cluster (prefix included). */
  alias: string;
  /** The manifest's fingerprint: what `create` records, and what `in_place` makes the active instance's. */
  fingerprint: string;
  /**
   * The fingerprint of the manifest's spec as the engine will hold it (SPEC §7), when the
   * plan asked the engine: what `create` and `in_place` record as `_meta.esm.engineFingerprint`.
   */
  engineFingerprint?: string;
  /** Fields dynamic mapping added to the active instance (full names): not changes, listed once (SPEC §7). */
  dynamicFields?: string[];
  /** The manifest's spec, as planned: what the steps create with, fill from and guard with. */
  spec: MasterSpec;
  /** Where the manifest was declared: its source's paths are relative to `origin.dir`. */
  origin: Manifest['origin'];
  active: string | null;
  /**
   * The master's instances in the cluster when the plan was made; `foreign`: adopted under a
   * name that is not `<alias>-<N>` (SPEC §11). Absent in older plan files.
   */
  instances?: PlannedInstance[];
  decision: Decision;
  /**
   * Set when a conflict (a concrete index named like the alias, or the alias on a
   * foreign index) stops esm from planning this master: then `steps` is empty and
   * `decision` is `noop` (nothing will be done), and the conflict is in `reasons`.
   */
  blocked?: string;
  steps: Step[];
  reasons: string[];
  /** Documents in the active instance when the plan was made (null: no active instance). Absent in older plan files. */
  liveDocs?: number | null;
  /**
   * For a replace: about how many documents the fill moves (the active instance's count) and,
   * when the history has measured this master's fill rate, about how long it takes.
   */
  fillEstimate?: FillEstimate;
  /** Set when the plan copies documents into an instance it activates: how source deletions are kept out. */
  deletions?: DeletionPlan;
  /**
   * The companions the master's spec names (`IngestPipeline/movies-enrich`, declared names):
   * applied before it, and when one fails the master is not run (SPEC §12).
   */
  uses?: string[];
}

/**
 * What apply does with a companion (SPEC §12): `create`, `update` (the changed paths in
 * `changes`), `adopt` (same content, not esm's yet: marked as esm's), `noop`, `inline` (a
 * synonym set where the cluster has no synonyms API: its rules live in the masters'
 * analysis), `orphan` (esm's, no longer declared: kept) or `delete` (an orphan, with --prune).
 */
export const COMPANION_ACTIONS = ['create', 'update', 'adopt', 'noop', 'inline', 'orphan', 'delete'] as const;
export type CompanionAction = (typeof COMPANION_ACTIONS)[number];

export interface CompanionPlan {
  kind: CompanionKind;
  /** The declared name (of an orphan: the name esm's mark gives, or the id without the prefix). */
  name: string;
  /** The object's name in the cluster (`<prefix><name>`). */
  id: string;
  action: CompanionAction;
  /** Set when a same-named object esm does not own is in the way: nothing is done, and apply refuses (exit 4). */
  blocked?: string;
  /** `create` / `update` / `adopt`: the body apply sends, esm's mark included. */
  body?: Record<string, unknown>;
  /** The declared companion's fingerprint (absent for an orphan). */
  fingerprint?: string;
  /** `update`: the changed paths, `path: cluster → manifest`. */
  changes: string[];
  reasons: string[];
  /** Masters that use it, directly or through other companions. */
  usedBy: string[];
  /** Companions it names (`IngestPipeline/other`): applied before it. */
  dependsOn: string[];
  /** A SynonymSet: through the synonyms API, or inlined. */
  synonyms?: SynonymsPath;
  /** Where it is declared. */
  origin?: { file: string; line: number; col: number };
}

/** Companion actions apply performs (the others only report). */
export function companionChanges(c: Pick<CompanionPlan, 'action' | 'blocked'>): boolean {
  return !c.blocked && (c.action === 'create' || c.action === 'update' || c.action === 'adopt' || c.action === 'delete');
}

export interface CompanionSummary {
  create: number;
  update: number;
  adopt: number;
  delete: number;
  noop: number;
  orphan: number;
}

export interface PlannedInstance {
  name: string;
  number: number;
  foreign: boolean;
}

/** About how many documents a fill moves and, at the master's last measured rate (null: none recorded), how long it takes. */
export interface FillEstimate {
  docs: number;
  seconds: number | null;
  docsPerSecond: number | null;
}

/** Changes by op; `mark_filled` only writes esm's own bookkeeping and a `wait` changes nothing: neither is counted. */
export interface PlanSummary {
  create: number;
  fill: number;
  catch_up: number;
  /** Id-set comparisons (deletions the source no longer has) before an activation. */
  prune: number;
  activate: number;
  in_place: number;
  drop: number;
  noop: number;
  /** Indices esm takes over (SPEC §11); read as 0 from older plan files, which lack it. */
  adopt: number;
  /** Companions by action (present when the manifests declare companions or the cluster holds esm's). */
  companions?: CompanionSummary;
}

export interface Plan {
  formatVersion: 1;
  planId: string;
  createdAt: string;
  git: { commit: string | null; branch: string | null; dirty: boolean } | null;
  base: { stateHash: string; clusterHash: string };
  prefix: string;
  /** The cluster the plan was made against (absent in plans made before engines were named). */
  cluster?: ClusterIdentity;
  masters: MasterPlan[];
  /** Companion objects (SPEC §12), in the order apply runs them. Absent when there are none (and in older plan files). */
  companions?: CompanionPlan[];
  /** How synonym sets reach this cluster, when the manifests name one. */
  synonyms?: SynonymsSupport;
  warnings: PlanWarning[];
  summary: PlanSummary;
}

/** Which cluster, engine and version (SPEC §10: outputs name the engine and version). */
export interface ClusterIdentity {
  name: string;
  engine: string;
  version: string;
}

export function hasChanges(plan: Pick<Plan, 'masters' | 'companions'>): boolean {
  return plan.masters.some((m) => m.steps.length > 0) || (plan.companions ?? []).some(companionChanges);
}

/** Masters or companions blocked by a conflict: apply refuses the plan. */
export function isBlocked(plan: Pick<Plan, 'masters' | 'companions'>): boolean {
  return plan.masters.some((m) => m.blocked) || (plan.companions ?? []).some((c) => c.blocked);
}

/** `esm plan --offline --base <ref>`: manifests at a git ref against the working tree, no cluster. */
export type OfflineStatus = 'added' | 'removed' | 'changed' | 'unchanged';

export interface OfflineMaster {
  name: string;
  status: OfflineStatus;
  /** Fingerprint of the spec at the base ref (null: the master is not declared there). */
  baseFingerprint: string | null;
  /** Fingerprint of the spec in the working tree (null: removed). */
  headFingerprint: string | null;
  /** For `changed`: whether Elasticsearch can take the change in place; null otherwise. */
  verdict: 'in_place' | 'replace' | null;
  /** Apply would create a new instance: an added master, or a change that needs a replace. */
  newInstance: boolean;
  /**
   * Per the history (the state file), the documents the active instance's last completed full
   * fill moved, that instance and when the fill ended. null: no history read, or it records none.
   */
  recordedDocs: RecordedFill | null;
  /**
   * For a replace whose documents the history knows: as the cluster plan's, the fill's size (the
   * recorded count) and, at the master's last measured rate, its duration.
   */
  fillEstimate?: FillEstimate;
  reasons: string[];
}

/** The history an offline plan read its figures from: the state file as configured, and whether it could be read. */
export interface OfflineHistory {
  file: string;
  read: boolean;
}

/** A companion object between the base ref and the working tree (SPEC §14: `companions` the same way as masters). */
export interface OfflineCompanion {
  kind: CompanionKind;
  name: string;
  status: OfflineStatus;
  baseFingerprint: string | null;
  headFingerprint: string | null;
  /** `changed`: the changed paths, `path: base → head`. */
  changes: string[];
  /** Masters that use it (in the working tree, or at the base for a removed one). */
  masters: string[];
  reasons: string[];
}

export interface OfflinePlan {
  formatVersion: 1;
  kind: 'offline';
  /** The git ref the working tree is compared with, when known. */
  baseRef: string | null;
  /** The commit `baseRef` named when the plan was made (full SHA), when known. */
  baseCommit?: string | null;
  /** The working tree's commit (HEAD), and whether the tree had uncommitted changes. */
  head?: { commit: string | null; dirty: boolean } | null;
  /** Where the document counts come from (null: no history was asked for). */
  history: OfflineHistory | null;
  masters: OfflineMaster[];
  /** Companion objects, when the manifests at either side declare any. */
  companions?: OfflineCompanion[];
  summary: { added: number; removed: number; changed: number; unchanged: number; in_place: number; replace: number; newInstances: number };
}
