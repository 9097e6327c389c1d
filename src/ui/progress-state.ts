/** Pure reduction of progress events into what the live view shows: one row per master. */
import { companionLabel, stepLabel, stoppingWords, type ProgressEvent } from '../apply/events.js';
import { companionStatus } from '../render/progress-lines.js';
import { assertNever } from '../errors.js';
import { resumingWords } from '../render/progress-lines.js';

export interface MasterRow {
  master: string;
  stepsTotal: number;
  stepsDone: number;
  current: string | null;
  /** The current step moves documents (fill, catch up): it has a count, a rate and maybe a bar. */
  counting: boolean;
  done: number;
  total: number | undefined;
  /** A resumed fill: the documents it had before it resumed (not counted in its rate). */
  resumedFrom: number;
  elapsedMs: number;
  docs: number;
  status: 'pending' | 'running' | 'ok' | 'failed';
  error: string | null;
  notes: string[];
}

export interface ViewState {
  rows: MasterRow[];
  notes: string[];
  /** A signal asked the run to stop: what the view says at once. From then on the counters stay where they were. */
  stopping: string | null;
}

export const initialState: ViewState = { rows: [], notes: [], stopping: null };

/** The masters a run will work on, each `waiting` until its first event. */
export function waitingFor(masters: readonly string[]): ViewState {
  return { rows: masters.map(emptyRow), notes: [], stopping: null };
}

function emptyRow(master: string): MasterRow {
  return { master, stepsTotal: 0, stepsDone: 0, current: null, counting: false, done: 0, total: undefined, resumedFrom: 0, elapsedMs: 0, docs: 0, status: 'pending', error: null, notes: [] };
}

export function reduce(state: ViewState, e: ProgressEvent): ViewState {
  if (e.kind === 'note') return { ...state, notes: [...state.notes, e.message] };
  if (e.kind === 'stopping') return { ...state, stopping: stoppingWords(e.signal) };
  // Stopping: the counters freeze where they were when the signal came; what each step ends with still shows.
  if (state.stopping !== null && e.kind === 'step_progress') return state;
  // Companions are written before the masters: a line each once done, failed or skipped.
  if (e.kind === 'companion') return e.status === 'started' ? state : { ...state, notes: [...state.notes, `${companionLabel(e)}${companionStatus(e)}`] };
  const existing = state.rows.find((r) => r.master === e.master);
  const row: MasterRow = existing ?? emptyRow(e.master);
  const next = update(row, e);
  const rows = existing ? state.rows.map((r) => (r === existing ? next : r)) : [...state.rows, next];
  return { ...state, rows };
}

function update(row: MasterRow, e: Exclude<ProgressEvent, { kind: 'note' | 'stopping' | 'companion' }>): MasterRow {
  switch (e.kind) {
    case 'master_started':
      return { ...row, stepsTotal: e.steps, status: 'running' };
    case 'step_started': {
      const from = e.resumedFrom?.docs ?? 0;
      const resuming = e.resumedFrom ? [resumingWords(e.step.op === 'fill' ? e.step.index : '', from, e.total, e.resumedFrom.position)] : [];
      return {
        ...row,
        status: 'running',
        current: stepLabel(e.step),
        counting: e.step.op === 'fill' || e.step.op === 'catch_up' || e.step.op === 'prune',
        done: from,
        total: e.total,
        resumedFrom: from,
        elapsedMs: 0,
        notes: [...row.notes, ...resuming],
      };
    }
    case 'step_progress':
      return { ...row, done: e.done, total: e.total ?? row.total, resumedFrom: e.resumedFrom ?? 0, elapsedMs: e.elapsedMs };
    case 'step_done':
      return {
        ...row,
        stepsDone: row.stepsDone + 1,
        docs: e.docs !== undefined && e.step.op !== 'activate' ? Math.max(row.docs, e.docs) : row.docs,
        done: e.docs ?? row.done,
        total: e.docs ?? row.total,
        elapsedMs: e.elapsedMs,
        notes: e.note ? [...row.notes, e.note] : row.notes,
      };
    case 'step_failed':
      return { ...row, status: 'failed', error: e.error };
    case 'step_skipped':
      return { ...row, notes: [...row.notes, `${stepLabel(e.step)} skipped: ${e.reason}`] };
    case 'master_done':
      return { ...row, status: e.ok && row.status !== 'failed' ? 'ok' : 'failed', current: e.ok ? null : row.current };
    default:
      return assertNever(e, 'event');
  }
}
