/** The journal of index actions (SPEC §8). */

export const ACTION_NAMES = [
  'create',
  'update',
  'partial_update',
  'activate',
  'clear',
  'drop',
  'update_in_place',
  'reset',
  'state_rebuild',
  'lock_release',
  'import',
  'prune',
  /** A run that failed while planning, before its first action (SPEC §8). */
  'plan',
  /** A run that could not take the apply lock, or whose release of it failed. */
  'lock',
  'companion_create',
  'companion_update',
  'companion_delete',
] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

/**
 * `aborted`: a run that died, found `in_progress` by a later run; `abandoned`:
 * queued by a run that died before reaching it (SPEC §8).
 */
export const ACTION_STATUSES = ['queued', 'in_progress', 'complete', 'failed', 'aborted', 'abandoned'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** What a later run needs to tell from the cluster whether an action took effect (stored as JSON). */
export interface ActionDetail {
  /** A `lock` row: taking the lock failed, or releasing it did. */
  lock?: 'take' | 'release';
  /** An `update_in_place`: the fingerprint the instance gets. */
  fingerprint?: string;
  /**
   * A `prune` sending its last delete: the documents deleted before it and the ids it deletes,
   * so that a later run can count them in the cluster when the run died before the answer.
   */
  prune?: { deletedBefore: number; lastBatch: string[] };
  [key: string]: unknown;
}

export interface ActionRecord {
  id: number;
  action: ActionName;
  master: string | null;
  instance: string | null;
  status: ActionStatus;
  startedAt: string | null;
  endedAt: string | null;
  docsAffected: number | null;
  argv: string[];
  commit: string | null;
  actor: string | null;
  planId: string | null;
  error: string | null;
  /**
   * How the outcome was learnt when not from the call's answer, e.g. `confirmed from the
   * cluster (the answer was lost: …)`; null for an action whose answer said it all.
   */
  note?: string | null;
  detail?: ActionDetail | null;
  /** When a later run compared the action with the cluster (reconciliation), null before. */
  checkedAt?: string | null;
  /** Process that ran the action, and its host: how a later run tells a dead run (`aborted`). */
  pid?: number | null;
  host?: string | null;
  /** A fill's last checkpoint: where it stood, what a later run resumes from (null: none taken). */
  checkpoint?: FillCheckpoint | null;
}

/**
 * Where a full fill stood when it last recorded its progress (SPEC §13): every
 * document before `position` is in the instance. A killed, interrupted or failed
 * fill is resumed from here by a later run.
 */
export interface FillCheckpoint {
  /** Documents written up to `position`, by this fill and the attempts it resumed. */
  docs: number;
  /** Documents the source counted for the whole fill, when it could. */
  total: number | null;
  /** When the fill's first attempt started: a catch-up after the resume sends what changed since. */
  startedAt: string;
  /** When the checkpoint was taken. */
  at: string;
  /** Where the source stood, as the source describes it (opaque to the store). */
  position: Record<string, unknown>;
  /** The documents this attempt resumed from (absent: it started from zero). */
  resumedFrom?: number;
}

/** A full fill of an instance that never completed and left a checkpoint: what a later run resumes. */
export interface UnfinishedFill extends FillCheckpoint {
  instance: string;
  /** How the action that recorded the checkpoint ended (`in_progress`: its run has not been found dead yet). */
  status: ActionStatus;
}

export interface NewAction {
  action: ActionName;
  master?: string | null;
  instance?: string | null;
  argv?: string[];
  commit?: string | null;
  actor?: string | null;
  planId?: string | null;
  detail?: ActionDetail | null;
}

export interface MasterRecord {
  name: string;
  alias: string;
  activeInstance: string | null;
  updatedAt: string;
}

export interface InstanceRecord {
  name: string;
  master: string;
  number: number;
  fingerprint: string;
  createdAt: string;
  commit: string | null;
  filledAt: string | null;
  lastUpdateAt: string | null;
  dropped: boolean;
  /** When the instance was dropped (null while it exists); absent in hand-made records. */
  droppedAt?: string | null;
}

/** What the planner needs from history: plain data. */
export interface HistoryView {
  masters: MasterRecord[];
  instances: InstanceRecord[];
  /**
   * Highest instance number used by an index that really existed, per name stem
   * `<prefix><master>` (the alias): numbers are per prefix and master, never reused.
   */
  maxNumber: Record<string, number>;
  /**
   * Per master, the rate (docs/s) of its last completed full `update` that moved documents:
   * what a plan's fill estimate is based on. Absent in hand-made views.
   */
  fillRates?: Record<string, number>;
  /**
   * Per master, its active instance's last completed full fill (`update`): the documents it
   * moved and when it ended. What an offline plan shows without a cluster. Absent in hand-made views.
   */
  lastFills?: Record<string, LastFill>;
  /**
   * Per instance, the full fill that stopped before completing and left a checkpoint (the
   * newest such, when no later fill of it completed and it was not cleared since). Absent in hand-made views.
   */
  unfinishedFills?: Record<string, UnfinishedFill>;
  /**
   * Companion objects (SPEC §12) esm wrote and has not deleted since, as `Kind/id`
   * (`IngestPipeline/qa1_movies-enrich`): what esm owns where an object cannot carry
   * esm's mark. Absent in hand-made views.
   */
  companions?: string[];
}

/** A completed full fill of an instance, as the journal recorded it. */
export interface LastFill {
  instance: string;
  /** Documents the fill moved (`docs_affected`). */
  docs: number;
  /** When it ended (ISO 8601). */
  at: string;
}

/** How an action ended. */
export interface ActionOutcome {
  status: 'complete' | 'failed' | 'aborted' | 'abandoned';
  docsAffected?: number;
  error?: string;
  /** How the outcome was learnt (`confirmed from the cluster …`). */
  note?: string;
}

/** A later run's verdict on an action it found unsettled (reconciliation, SPEC §8). */
export interface Settlement {
  status: 'complete' | 'aborted' | 'abandoned' | 'failed';
  note: string;
  /** Counted in the cluster; absent keeps the recorded count. */
  docsAffected?: number;
  /** A complete action carries no error: the error it had goes into the note. */
  clearError?: boolean;
}

/** A master as written by `upsertMaster`; `activeInstance` left out keeps the recorded one. */
export interface MasterInput {
  name: string;
  alias: string;
  activeInstance?: string | null;
}

/** An instance as written by `upsertInstance` (dropping is `markDropped`). */
export type InstanceInput = Omit<InstanceRecord, 'dropped' | 'droppedAt'>;

/** Everything `replaceAll` writes (`esm state rebuild`): a HistoryView fits. */
export interface StateData {
  masters: MasterInput[];
  instances: Array<InstanceInput & { dropped?: boolean; droppedAt?: string | null }>;
}
