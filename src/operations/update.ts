/**
 * `esm update`: which instances to fill (the seed's es_update targets: the
 * active instance, an explicit one, `--newer`, `--last`, `--all-active`) and
 * running their fills one after the other, reporting progress as plan steps.
 */
import { assertNever, InvalidInputError, RefusedError, RuntimeError } from '../errors.js';
import { fmtDuration, fmtDocs, fmtInt } from '../render/progress-lines.js';
import type { Manifest } from '../manifest/types.js';
import type { Step } from '../plan/types.js';
import type { FillMode, FillResult } from './fill.js';
import { loadMasterState } from './master-state.js';
import { parseTarget, type Target } from './names.js';
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

export interface UpdateTarget {
  manifest: Manifest;
  index: string;
  /** The alias points at it: a full fill is then not tuned (readers see it). */
  active: boolean;
}

export interface UpdateOptions {
  mode: FillMode;
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
  elapsedMs: number;
  note: string | null;
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
        return { targets: [{ manifest, index: inst.name, active: st.active?.name === inst.name }], skipped: [] };
      }
      if (!st.active) {
        throw new InvalidInputError(
          `${target.master} has no active instance (instances: ${names(st.instances)}); name one (esm update ${target.master}-N) or use --newer / --last`,
        );
      }
      return { targets: [{ manifest, index: st.active.name, active: true }], skipped: [] };
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
      return { targets: newer.map((i) => ({ manifest, index: i.name, active: false })), skipped };
    }
    case 'last': {
      const master = await masterOf(s, selector.args, '--last');
      const manifest = await s.manifest(master);
      const st = await loadMasterState(s, master, { allowConflicts: true });
      const last = st.instances.at(-1);
      if (!last) throw new InvalidInputError(`${master} has no instances; create one first (esm create ${master})`);
      return { targets: [{ manifest, index: last.name, active: st.active?.name === last.name }], skipped: [] };
    }
    case 'all_active': {
      const targets: UpdateTarget[] = [];
      const skipped: string[] = [];
      for (const manifest of await s.manifests()) {
        const st = await loadMasterState(s, manifest.name, { allowConflicts: true });
        if (st.active) targets.push({ manifest, index: st.active.name, active: true });
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
  return parseTarget(
    s.prefix,
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
 * Fills the targets one after the other; stops at the first failure. An
 * interrupted fill (Ctrl-C) throws a RuntimeError whose message starts with
 * `interrupted:`; the action is then recorded `aborted`.
 */
export async function runUpdates(
  s: Session,
  targets: readonly UpdateTarget[],
  opts: UpdateOptions,
  onResult: (r: UpdateResult) => void = () => {},
): Promise<UpdateResult[]> {
  const { fillInstance } = await import('./fill.js');
  const results: UpdateResult[] = [];
  for (const [n, target] of targets.entries()) {
    if (s.signal?.aborted) throw new RuntimeError(`interrupted: stopped before updating ${target.index}; nothing was activated`);
    const master = target.manifest.name;
    let step: Step = provisionalStep(target, opts.mode);
    s.emit({ kind: 'master_started', master, steps: 1 });
    let res: FillResult;
    try {
      res = await fillInstance(s, target.manifest, target.index, {
        mode: opts.mode,
        tune: !target.active,
        ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
        ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
        onStart: ({ total, since, via }) => {
          step = since === null ? { op: 'fill', index: target.index, mode: 'full', via } : { op: 'catch_up', index: target.index, since };
          s.emit({ kind: 'step_started', master, step, index: n, total });
        },
        onProgress: (p) => s.emit({ kind: 'step_progress', master, step, done: p.done, total: p.total, failed: p.failed, elapsedMs: p.elapsedMs }),
      });
    } catch (e) {
      const error = s.signal?.aborted ? interrupted(target.index, e) : e;
      s.emit({ kind: 'step_failed', master, step, error: (error as Error).message });
      s.emit({ kind: 'master_done', master, ok: false });
      throw error;
    }
    s.emit({ kind: 'step_done', master, step, docs: res.docs, elapsedMs: res.elapsedMs, note: res.note ?? undefined });
    s.emit({ kind: 'master_done', master, ok: true });
    const result: UpdateResult = {
      master,
      index: res.index,
      mode: res.since === null ? 'full' : 'incremental',
      since: res.since,
      docs: res.docs,
      elapsedMs: res.elapsedMs,
      note: res.note,
    };
    results.push(result);
    onResult(result);
  }
  return results;
}

/** The step shown before the source said how many documents (a fill fails before it starts). */
function provisionalStep(target: UpdateTarget, mode: FillMode): Step {
  const via = target.manifest.spec.source?.type === 'reindex' ? 'reindex' : 'source';
  switch (mode.kind) {
    case 'full':
      return { op: 'fill', index: target.index, mode: 'full', via };
    case 'since':
      return { op: 'catch_up', index: target.index, since: mode.since };
    case 'incremental':
      return { op: 'catch_up', index: target.index, since: null };
    default:
      return assertNever(mode, 'fill mode');
  }
}

function interrupted(index: string, e: unknown): RuntimeError {
  const docs = (e as { docsAffected?: number }).docsAffected;
  const err = new RuntimeError(
    `interrupted: the update of ${index} stopped${docs !== undefined ? ` after ${fmtInt(docs)} documents` : ''}; it is recorded as aborted and nothing was activated (run the same esm update again to finish)`,
  );
  return Object.assign(err, { docsAffected: docs });
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

/** `12,345 docs (full) in 3.2s` */
export function describeResult(r: UpdateResult): string {
  const how = r.mode === 'full' ? 'full' : `incremental since ${r.since}`;
  return `${r.index}: ${fmtDocs(r.docs)} (${how}) in ${fmtDuration(r.elapsedMs)}`;
}

function names(instances: readonly { name: string }[]): string {
  return instances.map((i) => i.name).join(', ') || 'none';
}
