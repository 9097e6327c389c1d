/**
 * The one place that decides how progress is shown (STYLE: the TTY / CI decision
 * is made once): an Ink view on a TTY, plain lines on stderr otherwise, nothing
 * with --json; with --events, NDJSON events on stdout (the stream is the result).
 * Otherwise always on stderr: stdout is for results.
 */
import type { Emit } from '../apply/events.js';
import { InvalidInputError } from '../errors.js';
import type { EsmContext } from './base.js';

/** How a changing command reports: for people, one JSON document at the end, or a stream of events. */
export type OutputMode = 'human' | 'json' | 'events';

export interface ProgressSink {
  emit: Emit;
  finish(): Promise<void>;
}

/** `masters`: what the run will work on, shown as waiting until each starts. */
export async function progressSink(ctx: EsmContext, opts: { mode: OutputMode; masters?: readonly string[] }): Promise<ProgressSink> {
  if (opts.mode === 'events') {
    const { eventStream } = await import('../render/events-ndjson.js');
    return { emit: eventStream((line) => ctx.stdout.write(line)), finish: async () => {} };
  }
  if (ctx.isTTY && opts.mode === 'human' && ctx.env.ESM_PROGRESS !== 'plain') {
    const { renderProgress } = await import('../ui/render.js');
    return renderProgress(ctx.stderr, { color: ctx.color, ...(opts.masters ? { masters: opts.masters } : {}) });
  }
  if (opts.mode === 'json') {
    // Results only on stdout; notes still reach stderr.
    return { emit: (e) => (e.kind === 'note' ? ctx.stderr.write(`${e.message}\n`) : undefined), finish: async () => {} };
  }
  const { progressLines } = await import('../render/progress-lines.js');
  const interval = Number(ctx.env.ESM_PROGRESS_INTERVAL_MS ?? 5000);
  return { emit: progressLines(ctx.stderr, { intervalMs: Number.isFinite(interval) ? interval : 5000 }), finish: async () => {} };
}

/** `--json` or `--events` (not both: each owns stdout). */
export function outputMode(cmd: { json: boolean; events: boolean }): OutputMode {
  if (cmd.json && cmd.events) throw new InvalidInputError('--json and --events cannot be used together: --events ends with the --json document (its `done` event)');
  return cmd.events ? 'events' : cmd.json ? 'json' : 'human';
}
