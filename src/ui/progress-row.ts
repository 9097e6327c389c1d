/**
 * One row of the live view as styled segments that fit the terminal's width
 * (pure: the view only paints them). A row never wraps: what does not fit is
 * left out in order — the rate, the ETA, the bar — and then the step is cut with `…`.
 */
import { etaSeconds, rate } from '../apply/events.js';
import { assertNever } from '../errors.js';
import { fmtEta, fmtInt } from '../render/progress-lines.js';
import type { MasterRow } from './progress-state.js';

export type Tone = 'green' | 'red' | 'cyan' | 'dim' | 'bold' | 'plain';
export interface Segment {
  text: string;
  tone: Tone;
}

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const BAR_MIN = 10;
const BAR_MAX = 30;

export interface RowOptions {
  columns: number;
  nameWidth: number;
  /** Spinner frame counter. */
  tick: number;
}

/** The width given to master names: the longest, within a quarter of the terminal. */
export function nameWidthFor(rows: readonly MasterRow[], columns: number): number {
  return Math.min(Math.max(8, ...rows.map((r) => r.master.length)), Math.max(8, Math.floor(columns / 4)));
}

export function rowSegments(row: MasterRow, o: RowOptions): Segment[] {
  const head: Segment[] = [mark(row, o.tick), { text: ' ', tone: 'plain' }, { text: cut(row.master, o.nameWidth).padEnd(o.nameWidth), tone: 'bold' }, { text: ' ', tone: 'plain' }];
  const room = Math.max(1, o.columns - 2 - o.nameWidth - 1);
  return [...head, ...body(row, room)];
}

/** Cuts `text` to `width` characters, ending with `…` when cut. */
export function cut(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? '…'.slice(0, width) : `${text.slice(0, width - 1)}…`;
}

function mark(row: MasterRow, tick: number): Segment {
  switch (row.status) {
    case 'ok':
      return { text: '✓', tone: 'green' };
    case 'failed':
      return { text: '✗', tone: 'red' };
    case 'running':
      return { text: SPINNER[tick % SPINNER.length]!, tone: 'cyan' };
    case 'pending':
      return { text: '·', tone: 'dim' };
    default:
      return assertNever(row.status, 'row status');
  }
}

function body(row: MasterRow, room: number): Segment[] {
  if (row.status === 'pending') return [{ text: cut('waiting', room), tone: 'dim' }];
  if (row.status === 'ok') {
    const steps = `${row.stepsDone} step${row.stepsDone === 1 ? '' : 's'}`;
    return [{ text: cut(`done: ${steps}${row.docs > 0 ? `, ${fmtInt(row.docs)} docs` : ''}`, room), tone: 'plain' }];
  }
  if (row.status === 'failed') return [{ text: cut(`failed: ${row.error ?? 'unknown error'}`, room), tone: 'red' }];
  const label = row.current ?? 'starting';
  if (!row.counting) return [{ text: cut(label, room), tone: 'plain' }];
  return countingBody(row, label, room);
}

/** A fill or catch-up: step, bar (when the total is known), count, rate, ETA — as many as fit. */
function countingBody(row: MasterRow, label: string, room: number): Segment[] {
  const r = rate(row.done, row.elapsedMs, row.resumedFrom);
  const eta = etaSeconds(row.done, row.total, row.elapsedMs, row.resumedFrom);
  const count = row.total !== undefined ? `${fmtInt(row.done)}/${fmtInt(row.total)} docs` : `${fmtInt(row.done)} docs`;
  const rateText = r > 0 ? `${fmtInt(Math.round(r))} docs/s` : null;
  const etaText = eta !== undefined ? `ETA ${fmtEta(eta)}` : null;
  const withBar = row.total !== undefined && row.total > 0;

  const attempts: [string | null, string | null][] = [
    [rateText, etaText],
    [null, etaText],
    [null, null],
  ];
  for (const [rt, et] of attempts) {
    const extras = [rt, et].filter((x): x is string => x !== null);
    const text = [label, count, ...extras].join(' ').length;
    const barWidth = withBar ? Math.min(BAR_MAX, room - text - 1 - 2) : 0;
    if (withBar && barWidth >= BAR_MIN) return lay(label, bar(row.done, row.total!, barWidth), count, rt, et);
    if (!withBar && text <= room) return lay(label, [], count, rt, et);
  }
  // Even the step and the count alone are too wide: cut the step.
  const labelRoom = Math.max(1, room - count.length - 1);
  return lay(cut(label, labelRoom), [], count.length < room ? count : cut(count, room), null, null);
}

function lay(label: string, barSegs: Segment[], count: string, rateText: string | null, etaText: string | null): Segment[] {
  const out: Segment[] = [{ text: label, tone: 'plain' }];
  const sp: Segment = { text: ' ', tone: 'plain' };
  if (barSegs.length) out.push(sp, ...barSegs);
  out.push(sp, { text: count, tone: 'plain' });
  if (rateText) out.push(sp, { text: rateText, tone: 'dim' });
  if (etaText) out.push(sp, { text: etaText, tone: 'dim' });
  return out;
}

function bar(done: number, total: number, width: number): Segment[] {
  const filled = Math.min(width, Math.round((width * done) / total));
  return [
    { text: '[', tone: 'plain' },
    { text: '█'.repeat(filled), tone: 'green' },
    { text: '·'.repeat(width - filled), tone: 'dim' },
    { text: ']', tone: 'plain' },
  ];
}
