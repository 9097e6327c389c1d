/**
 * Progress without a TTY: plain lines on stderr (no ANSI, no redraws), one when a
 * step starts and ends, and at most one progress line per interval while it runs.
 */
import type { Writable } from 'node:stream';
import { companionLabel, etaSeconds, rate, stepLabel, stoppingWords, type Emit, type ProgressEvent } from '../apply/events.js';
import { groupDigits } from '../digits.js';
import { assertNever } from '../errors.js';
import { positionWords, type SourcePosition } from '../sources/position.js';
import type { Step } from '../plan/types.js';

export function progressLines(out: Writable, opts: { intervalMs?: number; now?: () => number } = {}): Emit {
  const interval = opts.intervalMs ?? 5000;
  const now = opts.now ?? Date.now;
  const lastLine = new Map<string, number>();
  const write = (s: string) => out.write(`${s}\n`);
  return (e: ProgressEvent) => {
    switch (e.kind) {
      case 'master_started':
        return;
      case 'step_started':
        lastLine.set(e.master, now());
        write(`${e.master}: ${stepLabel(e.step)}…${e.total !== undefined ? ` (${countWords(e.step, e.total)})` : ''}`);
        if (e.resumedFrom) write(`${e.master}: ${resumingWords(e.step.op === 'fill' ? e.step.index : '', e.resumedFrom.docs, e.total, e.resumedFrom.position)}`);
        return;
      case 'step_progress': {
        const t = now();
        if (t - (lastLine.get(e.master) ?? 0) < interval) return;
        lastLine.set(e.master, t);
        return write(`${e.master}: ${stepLabel(e.step)} ${stepProgressText(e.step, e.done, e.total, e.elapsedMs, e.resumedFrom)}${e.failed ? `, ${fmtInt(e.failed)} failed` : ''}`);
      }
      case 'step_done':
        return write(
          `${e.master}: ${stepLabel(e.step)} done${e.docs !== undefined ? `, ${fmtDocs(e.docs)}${e.step.op === 'prune' ? ' deleted' : ''}` : ''} in ${fmtDuration(e.elapsedMs)}${e.note ? ` (${e.note})` : ''}`,
        );
      case 'step_failed':
        return write(`${e.master}: ${stepLabel(e.step)} FAILED: ${e.error}`);
      case 'step_skipped':
        return write(`${e.master}: ${stepLabel(e.step)} skipped: ${e.reason}`);
      case 'master_done':
        return write(`${e.master}: ${e.ok ? 'ok' : 'failed'}`);
      case 'companion':
        return write(`${companionLabel(e)}${companionStatus(e)}`);
      case 'note':
        return write(e.message);
      case 'stopping':
        return write(`esm: ${stoppingWords(e.signal)}`);
      default:
        return assertNever(e, 'event');
    }
  };
}

/** `…`, ` done`, ` FAILED: why`, ` skipped: why` after a companion's label. */
export function companionStatus(e: Extract<ProgressEvent, { kind: 'companion' }>): string {
  switch (e.status) {
    case 'started':
      return '…';
    case 'done':
      return ' done';
    case 'failed':
      return ` FAILED: ${e.error ?? 'unknown error'}`;
    case 'skipped':
      return ` skipped: ${e.reason ?? ''}`;
    default:
      return assertNever(e.status, 'companion status');
  }
}

/** `resuming movies-3 from 6,400,000 / 10,000,000 (after data/movies.ndjson byte 1,234,567 (line 6,400,000))` */
export function resumingWords(index: string, docs: number, total: number | undefined, position: SourcePosition): string {
  return `resuming ${index} from ${fmtInt(docs)}${total !== undefined ? ` / ${fmtInt(total)}` : ''} (after ${positionWords(position, fmtInt)})`;
}

/** What a step's count is of: documents, ids (a prune reads both sides' ids), shard copies (a wait). */
export function countWords(step: Step, n: number): string {
  if (step.op === 'prune') return `${fmtInt(n)} id${n === 1 ? '' : 's'}`;
  if (step.op === 'wait') return `${fmtInt(n)} shard cop${n === 1 ? 'y' : 'ies'}`;
  return fmtDocs(n);
}

/** A step's progress: documents (ids) with their rate, or for a wait the shard copies active and how long it has waited. */
export function stepProgressText(step: Step, done: number, total: number | undefined, elapsedMs: number, from = 0): string {
  if (step.op === 'wait') return `${fmtInt(done)}${total !== undefined ? ` of ${fmtInt(total)}` : ''} shard copies active, waited ${fmtDuration(elapsedMs)}`;
  return progressText(done, total, elapsedMs, from);
}

/** `12,000/40,000 (30%) 8,532 docs/s ETA 3s`; `from`: the documents a resumed fill had before it resumed (not counted in the rate). */
export function progressText(done: number, total: number | undefined, elapsedMs: number, from = 0): string {
  const r = rate(done, elapsedMs, from);
  const eta = etaSeconds(done, total, elapsedMs, from);
  const head = total !== undefined ? `${fmtInt(done)}/${fmtInt(total)} (${Math.floor((100 * done) / Math.max(total, 1))}%)` : fmtInt(done);
  return `${head} ${fmtInt(Math.round(r))} docs/s${eta !== undefined ? ` ETA ${fmtEta(eta)}` : ''}`;
}

/** An estimate reads as one: `<1s`, `7s`, `2m05s`, `1h10m` (rounded up, never `676ms`). */
export function fmtEta(seconds: number): string {
  if (seconds < 1) return '<1s';
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `12,000` (en-US grouping, see digits.ts). */
export function fmtInt(n: number): string {
  return groupDigits(n);
}

/** `1 doc`, `12,000 docs`. */
export function fmtDocs(n: number): string {
  return `${fmtInt(n)} ${n === 1 ? 'doc' : 'docs'}`;
}

export function fmtDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}
