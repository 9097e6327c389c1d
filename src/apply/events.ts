/**
 * What the executor (and `esm update`) reports while it works. Renderers — the Ink
 * view on a TTY, plain lines otherwise, nothing with --json — subscribe to these
 * events; the executor knows nothing of output (STYLE habit 6).
 */
import { assertNever, type StopSignal } from '../errors.js';
import type { CompanionAction, Step } from '../plan/types.js';
import type { SourcePosition } from '../sources/position.js';

export type ProgressEvent =
  | { kind: 'master_started'; master: string; steps: number }
  /** `resumedFrom`: a fill that goes on from a stopped fill's checkpoint, with that many documents in already. */
  | { kind: 'step_started'; master: string; step: Step; index: number; total?: number | undefined; resumedFrom?: { docs: number; position: SourcePosition } | undefined }
  /** `done` counts a resumed fill's documents from its start; `resumedFrom` of them were in before it resumed. */
  | { kind: 'step_progress'; master: string; step: Step; done: number; total?: number | undefined; failed: number; elapsedMs: number; resumedFrom?: number | undefined }
  | { kind: 'step_done'; master: string; step: Step; docs?: number | undefined; elapsedMs: number; note?: string | undefined }
  | { kind: 'step_failed'; master: string; step: Step; error: string }
  | { kind: 'step_skipped'; master: string; step: Step; reason: string }
  | { kind: 'master_done'; master: string; ok: boolean }
  /** A companion object (SPEC §12) being written or deleted: `companion` is `IngestPipeline/qa1_movies-enrich`. */
  | { kind: 'companion'; companion: string; action: CompanionAction; status: 'started' | 'done' | 'failed' | 'skipped'; error?: string; reason?: string }
  | { kind: 'note'; message: string }
  /** A signal asked the run to stop: it ends at its next safe point (counters shown from now on are frozen). */
  | { kind: 'stopping'; signal: StopSignal };

export type Emit = (event: ProgressEvent) => void;

export const silent: Emit = () => {};

/** Docs per second and ETA from a progress event, for the renderers (`from`: documents a resumed fill had before it resumed). */
export function rate(done: number, elapsedMs: number, from = 0): number {
  return elapsedMs > 0 ? (Math.max(0, done - from) * 1000) / elapsedMs : 0;
}

export function etaSeconds(done: number, total: number | undefined, elapsedMs: number, from = 0): number | undefined {
  if (total === undefined || done === 0 || done >= total) return undefined;
  const r = rate(done, elapsedMs, from);
  return r > 0 ? (total - done) / r : undefined;
}

/** `create IngestPipeline qa1_movies-enrich` */
export function companionLabel(e: { companion: string; action: CompanionAction }): string {
  const [kind, ...id] = e.companion.split('/');
  return `${e.action} ${kind} ${id.join('/')}`;
}

/** What a run says when a signal asks it to stop (every renderer says the same). */
export function stoppingWords(signal: StopSignal): string {
  return `stopping… (${signal}): the requests in flight finish and each fill records where it stopped; nothing more starts and no alias moves. ${signal === 'SIGINT' ? 'Ctrl-C again' : 'A second signal'} stops at once`;
}

export function stepLabel(step: Step): string {
  switch (step.op) {
    case 'create':
      return `create ${step.index}`;
    case 'fill':
      return `fill ${step.index}${step.via === 'reindex' ? ' (reindex)' : ''}`;
    case 'catch_up':
      return `catch up ${step.index}`;
    case 'mark_filled':
      return `mark ${step.index} filled`;
    case 'prune':
      return `prune ${step.index}`;
    case 'wait':
      return `wait for ${step.index} to be ${step.health}`;
    case 'activate':
      return `activate ${step.alias} → ${step.to}`;
    case 'in_place':
      return `update ${step.index} in place`;
    case 'drop':
      return `drop ${step.index}`;
    case 'adopt':
      return step.via === 'clone' ? `adopt ${step.index} as ${step.to}` : `adopt ${step.index}`;
    default:
      return assertNever(step, 'step');
  }
}
