/**
 * `esm update`: which instances to fill (the seed's es_update targets: the
 * active instance, an explicit one, `--newer`, `--last`, `--all-active`), what
 * to send to each (every document, or those changed since a time) as a plan of
 * fill / catch_up steps, run by the executor that runs `esm apply`'s plans.
 */
import { randomUUID } from 'node:crypto';
import { executePlan, type ApplyResult } from '../apply/executor.js';
import { assertNever, InvalidInputError, RefusedError, RuntimeError } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import type { Instance, MasterState } from '../plan/instances.js';
import type { PlanUnfinishedFill } from '../plan/inputs.js';
import { deletionPlan } from '../plan/deletions.js';
import { reindexFrom } from '../plan/naming.js';
import { resumeOf } from '../plan/resume.js';
import { moduleFacts } from './plan.js';
import type { MasterPlan, Plan, Step } from '../plan/types.js';
import { openSource } from '../sources/index.js';
import { coversCheckpoint, FillFailed } from './fill.js';
import { ensureRecorded, loadMasterState } from './master-state.js';
import type { Target } from './names.js';
import type { Session } from './session.js';

/** What the command line asked to update. */
export type UpdateSelector =
  /** `esm update movies` (its active instance), `esm update movies-2`, `esm update movies 2`. */
  | { kind: 'named'; args: string[] }
  /** `--newer`: every instance newer than the active one (all of them when none is active). */
  | { kind: 'newer'; args: string[] }
  /** `--last` / `--latest`: the instance with the highest number. */
  | { kind: 'last'; args: string[] }
  /** `--all-active`: the active instance of every master declared by a manifest. */
  | { kind: 'all_active' };

/** What the command line asked to send: every document, those changed since the last update, or since a time. */
export type UpdateMode = { kind: 'full' } | { kind: 'incremental' } | { kind: 'since'; since: string };

export interface UpdateTarget {
  manifest: Manifest;
  instance: Instance;
  /** Where the master stands (its active instance is not tuned by a full fill: readers see it). */
  state: MasterState;
}

export interface UpdateOptions {
  mode: UpdateMode;
  /** `--keep-deleted`: a full update leaves the documents the source no longer has (no id-set comparison). */
  keepDeleted?: boolean;
  batchSize?: number;
  concurrency?: number;
}

export interface UpdateResult {
  master: string;
  index: string;
  mode: 'full' | 'incremental';
  /** The time documents were taken from (incremental), null for a full update. */
  since: string | null;
  docs: number;
  /**
   * Documents deleted because the source no longer has them: the id-set comparison after a
   * full update (SPEC §3 "Deletions"), recorded as its `prune` action. Absent when none ran.
   */
  deleted?: number;
  elapsedMs: number;
}

/** What resolving a selector found: the targets, and notes on what was skipped. */
export interface ResolvedTargets {
  targets: UpdateTarget[];
  skipped: string[];
}

/**
 * The targets of an update. A failure on the way there that is not the user's
 * input (the cluster down, dropping every request…) is still an update that
 * failed: it is recorded as a failed `update` action (SPEC §9) and rethrown.
 */
export async function resolveUpdateTargets(s: Session, selector: UpdateSelector): Promise<ResolvedTargets> {
  try {
    return await findTargets(s, selector);
  } catch (e) {
    if (e instanceof InvalidInputError || e instanceof RefusedError) throw e;
    const target = selector.kind === 'all_active' ? null : await targetOf(s, selector.args).catch(() => null);
    return s.record(
      { action: 'update', master: target?.master ?? null, instance: target?.kind === 'instance' ? target.name : null },
      () => Promise.reject(e),
    );
  }
}

async function findTargets(s: Session, selector: UpdateSelector): Promise<ResolvedTargets> {
  switch (selector.kind) {
    case 'named': {
      const target = await targetOf(s, selector.args);
      const manifest = await s.manifest(target.master);
      const st = await loadMasterState(s, target.master, { allowConflicts: true });
      if (target.kind === 'instance') {
        const inst = st.instances.find((i) => i.name === target.name);
        if (!inst) throw new InvalidInputError(`${target.name} does not exist (instances of ${target.master}: ${names(st.instances)})`);
        return { targets: [{ manifest, instance: inst, state: st }], skipped: [] };
      }
      if (!st.active) {
        throw new InvalidInputError(
          `${target.master} has no active instance (instances: ${names(st.instances)}); name one (esm update ${target.master}-N) or use --newer / --last`,
        );
      }
      return { targets: [{ manifest, instance: st.active, state: st }], skipped: [] };
    }
    case 'newer': {
      const master = await masterOf(s, selector.args, '--newer');
      const manifest = await s.manifest(master);
      const st = await loadMasterState(s, master, { allowConflicts: true });
      const above = st.active?.number ?? 0;
      const newer = st.instances.filter((i) => i.number > above);
      const skipped = newer.length
        ? []
        : [`${master}: no instance newer than ${st.active ? `the active ${st.active.name}` : 'none (it has no instances)'}; nothing to update`];
      return { targets: newer.map((i) => ({ manifest, instance: i, state: st })), skipped };
    }
    case 'last': {
      const master = await masterOf(s, selector.args, '--last');
      const manifest = await s.manifest(master);
      const st = await loadMasterState(s, master, { allowConflicts: true });
      const last = st.instances.at(-1);
      if (!last) throw new InvalidInputError(`${master} has no instances; create one first (esm create ${master})`);
      return { targets: [{ manifest, instance: last, state: st }], skipped: [] };
    }
    case 'all_active': {
      const targets: UpdateTarget[] = [];
      const skipped: string[] = [];
      for (const manifest of await s.manifests()) {
        const st = await loadMasterState(s, manifest.name, { allowConflicts: true });
        if (st.active) targets.push({ manifest, instance: st.active, state: st });
        else skipped.push(`${manifest.name}: no active instance; skipped`);
      }
      return { targets, skipped };
    }
    default:
      return assertNever(selector, 'update selector');
  }
}

async function targetOf(s: Session, args: readonly string[]): Promise<Target> {
  const manifests = await s.manifests();
  const { resolveTarget } = await import('./list.js');
  return resolveTarget(
    s,
    args,
    manifests.map((m) => m.name),
  );
}

/** The master named with --newer / --last: a master, not an instance. */
async function masterOf(s: Session, args: readonly string[], flag: string): Promise<string> {
  const target = await targetOf(s, args);
  if (target.kind === 'instance') throw new InvalidInputError(`${flag} takes a master, not an instance: esm update ${target.master} ${flag}`);
  return target.master;
}

/**
 * The plan of an update: per master, one fill or catch_up step per target.
 * What to send is decided here, from the mode and each instance's last update.
 */
export function planUpdate(
  targets: readonly UpdateTarget[],
  mode: UpdateMode,
  opts: { planId: string; now: Date; prefix: string; cwd: string; keepDeleted?: boolean; modulesWithIds?: readonly string[] } & UpdateResumes,
): Plan {
  const masters: MasterPlan[] = [];
  for (const t of targets) {
    const m = t.manifest;
    // A master without a source: the one clear refusal, before anything runs.
    if (m.spec.source?.type !== 'reindex') openSource(m, { cwd: opts.cwd });
    const step = updateStep(t, mode, opts.prefix, opts);
    // A full update leaves the instance holding exactly the source's documents: the same
    // id-set comparison an apply runs before an activation (prune.ts), unless --keep-deleted.
    const prune = step.op === 'fill' && !opts.keepDeleted && comparesIdSets(m, opts.modulesWithIds ?? []);
    const steps: Step[] = prune ? [step, { op: 'prune', index: t.instance.name }] : [step];
    const mp = masters.find((x) => x.name === m.name);
    if (mp) mp.steps.push(...steps);
    else {
      const head = { name: m.name, alias: t.state.alias, fingerprint: m.fingerprint, spec: m.spec, origin: m.origin };
      masters.push({ ...head, active: t.state.active?.name ?? null, decision: 'noop', steps, reasons: [] });
    }
  }
  const count = (op: Step['op']) => masters.reduce((n, mp) => n + mp.steps.filter((x) => x.op === op).length, 0);
  return {
    formatVersion: 1,
    planId: opts.planId,
    createdAt: opts.now.toISOString(),
    git: null,
    base: { stateHash: '', clusterHash: '' },
    prefix: opts.prefix,
    masters,
    warnings: [],
    summary: { create: 0, fill: count('fill'), catch_up: count('catch_up'), prune: count('prune'), activate: 0, in_place: 0, drop: 0, noop: 0, adopt: 0 },
  };
}

/** Can the master's source list its ids, for the id-set comparison (SPEC §3)? */
function comparesIdSets(m: Manifest, modulesWithIds: readonly string[]): boolean {
  const method = deletionPlan(m, modulesWithIds.includes(m.name))?.method;
  return method === 'id_set' || method === 'deleted_field_and_id_set';
}

/** What decides whether a full update resumes a stopped fill: the history's checkpoints and what the sources can do. */
export interface UpdateResumes {
  unfinishedFills?: Record<string, PlanUnfinishedFill>;
  /** Masters whose module exports orderedBy. */
  modulesOrdered?: readonly string[];
  serverReindex?: boolean;
}

function updateStep(t: UpdateTarget, mode: UpdateMode, prefix: string, resumes: UpdateResumes): Step {
  const { manifest: m, instance } = t;
  const from = m.spec.source?.type === 'reindex' ? reindexFrom(m.spec.source, prefix, t.state.alias) : null;
  const withFrom = from !== null ? { from } : {};
  const full = (reason?: string): Step => {
    const step: Extract<Step, { op: 'fill' }> = { op: 'fill', index: instance.name, mode: 'full', via: from !== null ? 'reindex' : 'source', ...withFrom, ...(reason ? { reason } : {}) };
    // A full update of an instance whose last full fill stopped goes on from there (SPEC §13).
    const { resume } = resumeOf(m, step, resumes.unfinishedFills?.[instance.name], {
      moduleOrdered: resumes.modulesOrdered?.includes(m.name) ?? false,
      serverReindex: resumes.serverReindex ?? true,
    });
    return resume ? { ...step, resume } : step;
  };
  const since = (at: string): Step => {
    if (!m.spec.idField) {
      throw new InvalidInputError(
        `an incremental update of ${m.name} needs spec.idField: without it the engine assigns new ids and every re-sent document would be a duplicate (use --full on a new instance)`,
      );
    }
    return { op: 'catch_up', index: instance.name, since: at, ...withFrom, ...(coversCheckpoint(at, instance.lastUpdateAt) ? {} : { keepCheckpoint: true as const }) };
  };
  switch (mode.kind) {
    case 'full':
      return full();
    case 'since':
      if (!m.spec.updatedField) throw new InvalidInputError(`--since needs spec.updatedField in the manifest of ${m.name}: esm cannot tell which documents changed`);
      return since(mode.since);
    case 'incremental':
      if (!m.spec.updatedField) return full('no updatedField: a full update');
      if (!instance.lastUpdateAt) return full('no completed update yet: a full update');
      return since(instance.lastUpdateAt);
    default:
      return assertNever(mode, 'update mode');
  }
}

/**
 * Runs the update plan through the executor. The first failure is thrown as it
 * came (exit code and message unchanged); an interrupted fill (Ctrl-C) throws a
 * RuntimeError whose message starts with `interrupted:`, recorded `aborted`.
 */
export async function runUpdates(s: Session, targets: readonly UpdateTarget[], opts: UpdateOptions): Promise<UpdateResult[]> {
  const modulesWithIds = opts.mode.kind === 'since' || opts.keepDeleted ? [] : (await moduleFacts(s, distinctManifests(targets))).modulesWithIds;
  const plan = planUpdate(targets, opts.mode, {
    planId: randomUUID(),
    now: s.now(),
    prefix: s.prefix,
    cwd: s.config.cwd,
    ...(opts.keepDeleted ? { keepDeleted: true } : {}),
    modulesWithIds,
    ...(await updateResumes(s, targets)),
  });
  for (const t of targets) {
    const i = t.instance;
    await ensureRecorded(s, { ...i, master: t.manifest.name, createdAt: i.index.meta?.createdAt ?? null, commit: i.index.meta?.commit ?? null });
  }
  const result = await executePlan(s, plan, {
    ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
    ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
  });
  const failed = result.masters.flatMap((m) => m.steps).find((x) => x.status === 'failed');
  if (failed) throw s.signal?.aborted ? interrupted(failed.index, failed.cause) : failed.cause;
  if (s.signal?.aborted) throw new RuntimeError('interrupted: stopped before every update ran; nothing was activated');
  return updateResults(result);
}

/** The history's stopped fills and what the targets' sources can do, for the full updates that may resume them. */
async function updateResumes(s: Session, targets: readonly UpdateTarget[]): Promise<UpdateResumes> {
  if (targets.length === 0) return {};
  const unfinishedFills = (await s.store()).view().unfinishedFills ?? {};
  if (!targets.some((t) => unfinishedFills[t.instance.name])) return {};
  const manifests = distinctManifests(targets);
  const { modulesOrdered } = await moduleFacts(s, manifests);
  const serverReindex = manifests.some((m) => m.spec.source?.type === 'reindex') ? (await (await s.cluster()).capabilities()).reindex : true;
  return { unfinishedFills, modulesOrdered, serverReindex };
}

function distinctManifests(targets: readonly UpdateTarget[]): Manifest[] {
  return [...new Map(targets.map((t) => [t.manifest.name, t.manifest])).values()];
}

/** One result per filled instance; the prune that followed a full fill adds its deletions (and time) to it. */
function updateResults(result: ApplyResult): UpdateResult[] {
  return result.masters.flatMap((m) => {
    const done = m.steps.filter((x) => x.status === 'done');
    return done
      .filter((x) => x.op !== 'prune')
      .map((x) => {
        const prune = done.find((p) => p.op === 'prune' && p.index === x.index);
        return {
          master: m.name,
          index: x.index,
          mode: x.since ? ('incremental' as const) : ('full' as const),
          since: x.since ?? null,
          docs: x.docs ?? 0,
          ...(prune ? { deleted: prune.docs ?? 0 } : {}),
          elapsedMs: (x.elapsedMs ?? 0) + (prune?.elapsedMs ?? 0),
        };
      });
  });
}

/** An update stopped by a signal: recorded as aborted, nothing activated. The numbers are for the caller to show. */
export class UpdateInterrupted extends RuntimeError {
  constructor(
    readonly index: string,
    readonly docsAffected: number | undefined,
    /** The fill's own account of where it stopped (it recorded a checkpoint the next update resumes from). */
    readonly stopped?: string,
  ) {
    super(
      `interrupted: ${stopped ?? `the update of ${index} stopped${docsAffected !== undefined ? ` after ${docsAffected} documents` : ''}`}; it is recorded as aborted and nothing was activated (run the same esm update again to finish)`,
    );
  }
}

function interrupted(index: string, e: unknown): UpdateInterrupted {
  const fill = e instanceof FillFailed && e.interrupted ? e.message : undefined;
  return new UpdateInterrupted(index, (e as { docsAffected?: number }).docsAffected, fill);
}

/**
 * `--since` as typed: an ISO 8601 date (`2024-05-01`) or date-time
 * (`2024-05-01T12:00:00Z`), returned as a full ISO string in UTC.
 * A date-time without a zone is read as local time.
 */
export function parseSinceFlag(value: string): string {
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
  const m = iso.exec(value.trim());
  const ms = m ? Date.parse(value.trim()) : NaN;
  if (m && !Number.isNaN(ms) && !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw new InvalidInputError(`--since ${JSON.stringify(value)} is not a date: ${m[1]}-${m[2]} has no day ${m[3]}`);
  }
  if (Number.isNaN(ms)) {
    throw new InvalidInputError(`--since ${JSON.stringify(value)} is not an ISO date; use e.g. 2024-05-01 or 2024-05-01T12:00:00Z`);
  }
  return new Date(ms).toISOString();
}

/** Date.parse takes 2024-02-30 as March 1st. */
function isCalendarDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

function names(instances: readonly { name: string }[]): string {
  return instances.map((i) => i.name).join(', ') || 'none';
}
