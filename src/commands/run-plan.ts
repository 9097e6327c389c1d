/** What `esm apply`, `esm reset` and `esm update` share around the library call: the session, Ctrl-C, the progress display, the result. */
import type { ApplyResult } from '../apply/executor.js';
import { silent } from '../apply/events.js';
import { RuntimeError } from '../errors.js';
import type { Session } from '../operations/session.js';
import type { Plan } from '../plan/types.js';
import type { EsmCommand } from './base.js';
import type { ProgressSink } from './progress.js';
import { withSession } from './run-session.js';

/**
 * Runs `fn` with a session whose signal fires on Ctrl-C. The progress display
 * starts when `fn` calls `startProgress` (after the plan was shown and
 * approved; given the plan, its masters wait in the view until they start) and
 * is always finished.
 */
export async function withProgress<T>(
  cmd: EsmCommand,
  json: boolean,
  fn: (s: Session, signal: AbortSignal, startProgress: (plan?: Plan) => Promise<void>) => Promise<T>,
): Promise<T> {
  const [{ withInterrupt }, { progressSink }] = await Promise.all([import('./interrupt.js'), import('./progress.js')]);
  return withInterrupt((signal) =>
    withSession(cmd, { signal }, async (s) => {
      let sink: ProgressSink | null = null;
      const start = async (plan?: Plan) => {
        if (sink) return;
        const masters = plan?.masters.filter((m) => m.steps.length > 0).map((m) => m.name);
        sink = await progressSink(cmd.context, { json, ...(masters ? { masters } : {}) });
        s.bindEmit(sink.emit);
      };
      try {
        return await fn(s, signal, start);
      } finally {
        s.bindEmit(silent);
        await (sink as ProgressSink | null)?.finish();
      }
    }),
  );
}

/** Prints the executor's result (JSON, or lines for people when something ran); exit 1 when a master failed. */
export async function reportApply(
  cmd: EsmCommand,
  result: ApplyResult,
  opts: { json: boolean; color: boolean; noActivate?: boolean; interrupted?: boolean; extra?: Record<string, unknown> },
): Promise<number> {
  const { renderApplyText, applyResultJson, failureMessage } = await import('../render/apply-result.js');
  const out = cmd.context.stdout;
  if (opts.json) out.write(`${JSON.stringify({ ...opts.extra, ...(applyResultJson(result) as object) }, null, 2)}\n`);
  else if (result.masters.length) out.write(renderApplyText(result, { color: opts.color, ...(opts.noActivate ? { noActivate: true } : {}) }));
  if (!result.ok) throw new RuntimeError(failureMessage(result, { interrupted: opts.interrupted ?? false }));
  return 0;
}
