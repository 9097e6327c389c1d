/**
 * `--events` (SPEC §14): the executor's progress events as NDJSON, one object a line,
 * written as they happen — for CI logs, Argo CD / Kubernetes jobs and dashboards.
 * Every line has the same keys (`null` where one does not apply); the last one is
 * `done`, carrying what `--json` would print (and `error` when the run failed).
 * Steps are rendered from what every step has (its op, the index it works on, its
 * label), so a new kind of step needs nothing here. Schema: schemas/events.schema.json.
 */
import { companionLabel, rate, stepLabel, stoppingWords, type Emit, type ProgressEvent } from '../apply/events.js';
import { assertNever } from '../errors.js';
import type { CompanionAction, Step } from '../plan/types.js';
import { companionStatus, countWords, fmtDocs, fmtDuration, resumingWords, stepProgressText } from './progress-lines.js';

export const EVENT_NAMES = ['step_started', 'progress', 'step_done', 'step_failed', 'warning', 'done'] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export interface EventLine {
  event: EventName;
  /** ISO 8601, when the line was written. */
  time: string;
  master: string | null;
  /** The step's op (`create`, `fill`, `activate`, …). */
  step: string | null;
  /** The index the step works on (for `activate`: the instance the alias moves to). */
  index: string | null;
  docs: number | null;
  total: number | null;
  docsPerSecond: number | null;
  message: string | null;
}

/** Progress lines of one step: at most one a second. */
export const PROGRESS_INTERVAL_MS = 1000;

/** One line of the stream (with its newline). `extra` adds keys: the `done` line's document. */
export function eventLine(event: EventName, time: Date, fields: Partial<Omit<EventLine, 'event' | 'time'>> = {}, extra: object = {}): string {
  const line: EventLine = {
    event,
    time: time.toISOString(),
    master: fields.master ?? null,
    step: fields.step ?? null,
    index: fields.index ?? null,
    docs: fields.docs ?? null,
    total: fields.total ?? null,
    docsPerSecond: fields.docsPerSecond ?? null,
    message: fields.message ?? null,
  };
  return `${JSON.stringify({ ...line, ...extra })}\n`;
}

/** The executor's events as lines for `write`; progress at most once per `intervalMs` for each running step. */
export function eventStream(write: (line: string) => void, opts: { now?: () => number; intervalMs?: number } = {}): Emit {
  const now = opts.now ?? Date.now;
  const interval = opts.intervalMs ?? PROGRESS_INTERVAL_MS;
  const lastProgress = new Map<string, number>();
  /** `at`: the moment the line is about (a progress line: the one its interval was measured to, so that two lines' times are never closer than the interval). */
  const out = (event: EventName, fields: Partial<Omit<EventLine, 'event' | 'time'>>, at = now()) => write(eventLine(event, new Date(at), fields));
  return (e: ProgressEvent) => {
    switch (e.kind) {
      case 'master_started':
      case 'master_done':
        // A master's steps say what happened to it; `done` carries its result.
        return;
      case 'step_started': {
        lastProgress.set(key(e.master, e.step), now());
        const resuming = e.resumedFrom ? `; ${resumingWords(indexOf(e.step) ?? '', e.resumedFrom.docs, e.total, e.resumedFrom.position)}` : '';
        return out('step_started', {
          ...stepFields(e.master, e.step),
          total: e.total ?? null,
          ...(e.resumedFrom ? { docs: e.resumedFrom.docs } : {}),
          message: `${stepLabel(e.step)}${e.total !== undefined ? ` (${countWords(e.step, e.total)})` : ''}${resuming}`,
        });
      }
      case 'step_progress': {
        const k = key(e.master, e.step);
        const t = now();
        if (t - (lastProgress.get(k) ?? 0) < interval) return;
        lastProgress.set(k, t);
        return out('progress', {
          ...stepFields(e.master, e.step),
          docs: e.done,
          total: e.total ?? null,
          docsPerSecond: e.step.op === 'wait' ? null : Math.round(rate(e.done, e.elapsedMs, e.resumedFrom)),
          message: `${stepLabel(e.step)} ${stepProgressText(e.step, e.done, e.total, e.elapsedMs, e.resumedFrom)}${e.failed ? `, ${e.failed} failed` : ''}`,
        }, t);
      }
      case 'step_done':
        lastProgress.delete(key(e.master, e.step));
        return out('step_done', {
          ...stepFields(e.master, e.step),
          docs: e.docs ?? null,
          docsPerSecond: e.docs !== undefined ? Math.round(rate(e.docs, e.elapsedMs)) : null,
          message: `${stepLabel(e.step)} done${e.docs !== undefined ? `, ${fmtDocs(e.docs)}` : ''} in ${fmtDuration(e.elapsedMs)}${e.note ? ` (${e.note})` : ''}`,
        });
      case 'step_failed':
        lastProgress.delete(key(e.master, e.step));
        return out('step_failed', { ...stepFields(e.master, e.step), message: e.error });
      case 'step_skipped':
        return out('warning', { ...stepFields(e.master, e.step), message: `${stepLabel(e.step)} skipped: ${e.reason}` });
      case 'companion': {
        // A companion object's write (SPEC §12): named as its master is, `Kind/id`; its step is the history's action.
        const fields = { master: e.companion, step: companionAction(e.action), index: null };
        const label = `${companionLabel(e)}${companionStatus(e)}`;
        switch (e.status) {
          case 'started':
            return out('step_started', { ...fields, message: label });
          case 'done':
            return out('step_done', { ...fields, message: label });
          case 'failed':
            return out('step_failed', { ...fields, message: e.error ?? label });
          case 'skipped':
            return out('warning', { ...fields, message: label });
          default:
            return assertNever(e.status, 'companion status');
        }
      }
      case 'note':
        return out('warning', { message: e.message });
      case 'stopping':
        return out('warning', { message: stoppingWords(e.signal) });
      default:
        return assertNever(e, 'event');
    }
  };
}

function stepFields(master: string, step: Step): { master: string; step: string; index: string | null } {
  return { master, step: step.op, index: indexOf(step) };
}

/** The index a step works on, from what steps carry: `index`, or where an alias moves `to`. */
function indexOf(step: Step): string | null {
  const s = step as { index?: unknown; to?: unknown };
  return typeof s.index === 'string' ? s.index : typeof s.to === 'string' ? s.to : null;
}

function key(master: string, step: Step): string {
  return `${master}\u0000${step.op}\u0000${indexOf(step) ?? ''}`;
}

/** The history's action for a companion's write: `companion_create`, `companion_update` (update, adopt) or `companion_delete`. */
function companionAction(action: CompanionAction): string {
  return action === 'create' ? 'companion_create' : action === 'delete' ? 'companion_delete' : 'companion_update';
}
