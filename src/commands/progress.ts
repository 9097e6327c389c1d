/**
 * The one place that decides how progress is shown (STYLE: the TTY / CI decision
 * is made once): an Ink view on a TTY, plain lines on stderr otherwise, nothing
 * with --json. Always on stderr: stdout is for results.
 */
import type { Emit } from '../apply/events.js';
import type { EsmContext } from './base.js';

export interface ProgressSink {
  emit: Emit;
  finish(): Promise<void>;
}

/** `masters`: what the run will work on, shown as waiting until each starts. */
export async function progressSink(ctx: EsmContext, opts: { json: boolean; masters?: readonly string[] }): Promise<ProgressSink> {
  if (ctx.isTTY && !opts.json && ctx.env.ESM_PROGRESS !== 'plain') {
    const { renderProgress } = await import('../ui/render.js');
    return renderProgress(ctx.stderr, { color: ctx.color, ...(opts.masters ? { masters: opts.masters } : {}) });
  }
  if (opts.json) {
    // Results only on stdout; notes still reach stderr.
    return { emit: (e) => (e.kind === 'note' ? ctx.stderr.write(`${e.message}\n`) : undefined), finish: async () => {} };
  }
  const { progressLines } = await import('../render/progress-lines.js');
  const interval = Number(ctx.env.ESM_PROGRESS_INTERVAL_MS ?? 5000);
  return { emit: progressLines(ctx.stderr, { intervalMs: Number.isFinite(interval) ? interval : 5000 }), finish: async () => {} };
}
