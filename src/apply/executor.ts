/**
 * The executor: runs a plan's steps, master by master, each step through the
 * operation that does it (create, fill, activate, update in place, drop), and
 * reports what happens as ProgressEvents. It knows nothing of output (STYLE
 * habit 6). A failed step stops its master (the alias stays where it was);
 * the other masters go on.
 */
import type { Manifest } from '../manifest/types.js';
import type { Session } from '../operations/session.js';
import type { MasterPlan, Plan, Step } from '../plan/types.js';
import { assertNever, RuntimeError } from '../errors.js';

export type StepStatus = 'done' | 'failed' | 'skipped';

export interface StepResult {
  op: Step['op'];
  /** The index the step works on (for `activate`: the instance the alias moves to). */
  index: string;
  status: StepStatus;
  docs?: number;
  error?: string;
  /** Why a step was skipped. */
  reason?: string;
}

export interface MasterResult {
  name: string;
  ok: boolean;
  steps: StepResult[];
  /** The first failure, when not ok. */
  error?: string;
}

export interface ApplyResult {
  planId: string;
  ok: boolean;
  masters: MasterResult[];
}

export interface ExecuteOptions {
  /** Pre-deployment: create and fill, leave every alias and live index as it is. */
  noActivate?: boolean;
  batchSize?: number;
  concurrency?: number;
  /** Called before every step; throwing stops the apply (e.g. the apply lock was lost). */
  checkpoint?: () => void;
}

export const NO_ACTIVATE = '--no-activate';

export async function executePlan(s: Session, plan: Plan, manifests: Manifest[], opts: ExecuteOptions = {}): Promise<ApplyResult> {
  s.planId = plan.planId;
  const byName = new Map(manifests.map((m) => [m.name, m]));
  const masters: MasterResult[] = [];
  for (const mp of plan.masters) {
    if (mp.steps.length === 0) continue;
    const manifest = byName.get(mp.name);
    if (!manifest) throw new RuntimeError(`the plan names master ${mp.name}, which no manifest declares`);
    masters.push(await runMaster(s, mp, manifest, opts));
  }
  return { planId: plan.planId, ok: masters.every((m) => m.ok), masters };
}

async function runMaster(s: Session, mp: MasterPlan, manifest: Manifest, opts: ExecuteOptions): Promise<MasterResult> {
  const master = mp.name;
  const steps: StepResult[] = [];
  let failure: string | null = null;
  s.emit({ kind: 'master_started', master, steps: mp.steps.length });
  for (const [i, step] of mp.steps.entries()) {
    const skip = failure !== null ? 'an earlier step of this master failed' : s.signal?.aborted ? 'interrupted' : skipReason(step, mp, opts);
    if (skip !== null) {
      s.emit({ kind: 'step_skipped', master, step, reason: skip });
      steps.push({ op: step.op, index: target(step), status: 'skipped', reason: skip });
      continue;
    }
    const t0 = Date.now();
    let started = false;
    const start = (total?: number) => {
      if (started) return;
      started = true;
      s.emit({ kind: 'step_started', master, step, index: i, total });
    };
    try {
      opts.checkpoint?.();
      // Fills announce themselves once the source has counted its documents.
      if (step.op !== 'fill' && step.op !== 'catch_up') start();
      const out = await runStep(s, manifest, step, mp, opts, start, (p) =>
        s.emit({ kind: 'step_progress', master, step, done: p.done, total: p.total, failed: p.failed, elapsedMs: p.elapsedMs }),
      );
      start();
      s.emit({ kind: 'step_done', master, step, docs: out.docs, elapsedMs: Date.now() - t0, note: out.note });
      steps.push({ op: step.op, index: target(step), status: 'done', ...(out.docs !== undefined ? { docs: out.docs } : {}) });
    } catch (e) {
      start();
      failure = (e as Error).message;
      s.emit({ kind: 'step_failed', master, step, error: failure });
      steps.push({ op: step.op, index: target(step), status: 'failed', error: failure });
    }
  }
  const ok = failure === null && !steps.some((r) => r.status === 'skipped' && r.reason === 'interrupted');
  s.emit({ kind: 'master_done', master, ok });
  return { name: master, ok, steps, ...(failure !== null ? { error: failure } : {}) };
}

/**
 * With --no-activate nothing that applications see changes: no alias moves, no
 * index is dropped, and the live (active) index is neither altered nor re-filled.
 */
export function skipReason(step: Step, mp: MasterPlan, opts: ExecuteOptions): string | null {
  if (!opts.noActivate) return null;
  switch (step.op) {
    case 'create':
      return null;
    case 'fill':
    case 'catch_up':
      return step.index === mp.active ? `${NO_ACTIVATE} (${step.index} is the live instance)` : null;
    case 'activate':
    case 'drop':
      return NO_ACTIVATE;
    case 'in_place':
      return `${NO_ACTIVATE} (an in-place change alters the live instance)`;
    default:
      return assertNever(step, 'step');
  }
}

interface StepOutcome {
  docs?: number | undefined;
  note?: string | undefined;
}

type Progress = { done: number; total: number | undefined; failed: number; elapsedMs: number };

async function runStep(
  s: Session,
  manifest: Manifest,
  step: Step,
  mp: MasterPlan,
  opts: ExecuteOptions,
  start: (total?: number) => void,
  progress: (p: Progress) => void,
): Promise<StepOutcome> {
  const fillOpts = {
    ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    onStart: (info: { total: number | undefined }) => start(info.total),
    onProgress: progress,
  };
  switch (step.op) {
    case 'create': {
      const { createInstance } = await import('../operations/create.js');
      // The plan already decided that a new instance is needed, and its number.
      const r = await createInstance(s, manifest, { force: true, number: step.number });
      return { note: r.created ? undefined : r.message };
    }
    case 'fill': {
      const { fillInstance } = await import('../operations/fill.js');
      // A new instance no one reads yet is filled fast; the live one is not touched that way.
      const r = await fillInstance(s, manifest, step.index, { mode: { kind: 'full' }, tune: step.index !== mp.active, ...fillOpts });
      return { docs: r.docs, note: r.note ?? undefined };
    }
    case 'catch_up': {
      const { fillInstance } = await import('../operations/fill.js');
      const mode = step.since ? ({ kind: 'since', since: step.since } as const) : ({ kind: 'incremental' } as const);
      const r = await fillInstance(s, manifest, step.index, { mode, ...fillOpts });
      return { docs: r.docs, note: r.note ?? (r.since ? `documents changed since ${r.since}` : undefined) };
    }
    case 'activate': {
      const { activateInstance } = await import('../operations/activate.js');
      const { parseInstanceName } = await import('../operations/names.js');
      const inst = parseInstanceName(s.prefix, step.to, [manifest.name]);
      if (!inst) throw new RuntimeError(`internal: ${step.to} is not an instance of ${manifest.name}`);
      let note: string | undefined;
      if (nothingToFill(manifest, step.from)) note = await markEmptyFill(s, manifest, step.to);
      else if (mp.deletions?.method === 'id_set' || mp.deletions?.method === 'deleted_field_and_id_set') {
        // Documents deleted from the source while the instance was filled go before it is activated.
        const { pruneMissing } = await import('../operations/prune.js');
        const pruned = await pruneMissing(s, manifest, step.to);
        if (pruned.deleted > 0) note = `deleted ${pruned.deleted} document${pruned.deleted === 1 ? '' : 's'} the source no longer has`;
      }
      // Never forced: the guards (filled, activation.minDocRatio) stay.
      const r = await activateInstance(s, manifest, inst.number, { force: false });
      return { note: note ?? (r.changed ? undefined : r.message) };
    }
    case 'in_place': {
      const { updateInPlace } = await import('../operations/update-in-place.js');
      await updateInPlace(s, manifest, step.index, { settings: step.settings, mappings: step.mappings });
      return {};
    }
    case 'drop': {
      const { dropInstances } = await import('../operations/drop.js');
      const { parseInstanceName } = await import('../operations/names.js');
      const inst = parseInstanceName(s.prefix, step.index, [manifest.name]);
      if (!inst) throw new RuntimeError(`internal: ${step.index} is not an instance of ${manifest.name}`);
      await dropInstances(s, [{ master: manifest.name, number: inst.number }], { reason: step.reason });
      return {};
    }
    default:
      return assertNever(step, 'step');
  }
}

/**
 * No source, or a `reindex from: active` source on a master that has no active
 * instance yet (its first deployment): there is nothing to copy.
 */
function nothingToFill(manifest: Manifest, activeBefore: string | null): boolean {
  const source = manifest.spec.source;
  return !source || (source.type === 'reindex' && source.from === 'active' && activeBefore === null);
}

/**
 * A master without a source is filled by the applications writing through its
 * alias: there is nothing for esm to send, so its new instance counts as filled
 * (an `update` of 0 documents) before the activation guard looks at it. The
 * `activation.minDocRatio` guard still applies.
 */
async function markEmptyFill(s: Session, manifest: Manifest, index: string): Promise<string | undefined> {
  const cluster = await s.cluster();
  const current = await cluster.getIndex(index);
  if (!current || current.meta?.filledAt) return undefined;
  const at = s.now().toISOString();
  await s.record(
    { action: 'update', master: manifest.name, instance: index },
    async () => {
      await cluster.updateMeta(index, { filledAt: at, lastUpdateAt: at });
      (await s.store()).markFilled(index, at);
      return 0;
    },
    (n) => n,
  );
  return manifest.spec.source
    ? 'nothing to reindex from yet (no active instance): created empty'
    : 'no source: nothing to fill, applications write through the alias';
}

/** The index a step works on, as the result lists it. */
export function target(step: Step): string {
  return step.op === 'activate' ? step.to : step.index;
}
