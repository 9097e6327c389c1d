/** What `esm apply`, `esm reset` and `esm update` share around the library call: the session, Ctrl-C, the progress display, the result. */
import type { ApplyResult } from '../apply/executor.js';
import { silent, stoppingWords } from '../apply/events.js';
import { InterruptedError, RuntimeError, type EsmError, type StopSignal } from '../errors.js';
import type { Session } from '../operations/session.js';
import type { Plan } from '../plan/types.js';
import type { EsmCommand } from './base.js';
import type { OutputMode, ProgressSink } from './progress.js';
import { withSession } from './run-session.js';

/**
 * Runs `fn` with a session whose signal fires on Ctrl-C. The progress display
 * starts when `fn` calls `startProgress` (after the plan was shown and
 * approved; given the plan, its masters wait in the view until they start) and
 * is always finished.
 */
export async function withProgress<T>(
  cmd: EsmCommand,
  mode: OutputMode,
  fn: (s: Session, signal: AbortSignal, startProgress: (plan?: Plan) => Promise<void>) => Promise<T>,
): Promise<T> {
  const [{ withInterrupt }, { progressSink }] = await Promise.all([import('./interrupt.js'), import('./progress.js')]);
  // How often fills record where they stand (tests shorten it to see a checkpoint in a small fill).
  const every = Number(cmd.context.env.ESM_CHECKPOINT_INTERVAL_MS);
  let sink: ProgressSink | null = null;
  // A signal says `stopping…` at once: in the progress display, or (before it started, or with --json) on stderr.
  const stopping = (signal: StopSignal) => {
    const e = { kind: 'stopping', signal } as const;
    if (sink && mode !== 'json') sink.emit(e);
    else cmd.context.stderr.write(`esm: ${stoppingWords(signal)}\n`);
  };
  return withInterrupt(
    (signal) =>
      withSession(cmd, { signal, ...(Number.isFinite(every) && every > 0 ? { checkpointEveryMs: every } : {}) }, async (s) => {
        const start = async (plan?: Plan) => {
          if (sink) return;
          const masters = plan?.masters.filter((m) => m.steps.length > 0).map((m) => m.name);
          sink = await progressSink(cmd.context, { mode, ...(masters ? { masters } : {}) });
          s.bindEmit(sink.emit);
        };
        try {
          return await fn(s, signal, start);
        } finally {
          s.bindEmit(silent);
          const shown = sink as ProgressSink | null;
          sink = null;
          await shown?.finish();
        }
      }),
    stopping,
  );
}

/**
 * Prints the executor's result (JSON, the `done` event, or lines for people when something
 * ran); exit 1 when a master failed — the JSON document and the `done` event then carry the error.
 */
export async function reportApply(
  cmd: EsmCommand,
  result: ApplyResult,
  opts: { mode: OutputMode; color: boolean; noActivate?: boolean; stopped?: StopSignal | null; extra?: Record<string, unknown> },
): Promise<number> {
  const { renderApplyText, applyResultJson, failureMessage } = await import('../render/apply-result.js');
  const stopped = opts.stopped ?? null;
  const message = result.ok ? null : failureMessage(result, { interrupted: stopped !== null });
  // Stopped by a signal: exit 130 (SIGINT) or 143 (SIGTERM), whatever the steps say.
  const failure = message === null ? null : stopped ? new InterruptedError(message, stopped) : new RuntimeError(message);
  const text = renderApplyText(result, { color: opts.color && opts.mode === 'human', ...(opts.noActivate ? { noActivate: true } : {}) });
  if (opts.mode === 'human') {
    if (result.masters.length || result.companions?.length) cmd.context.stdout.write(text);
  } else {
    await printResult(cmd, opts.mode, { ...opts.extra, ...(applyResultJson(result) as object) }, { message: text.split('\n')[0]!, failure });
  }
  if (failure) throw failure;
  return 0;
}

/**
 * A changing command's result document: pretty JSON (`--json`), or the `done` event that
 * ends the stream (`--events`), each with `error` when the run failed.
 */
export async function printResult(cmd: EsmCommand, mode: 'json' | 'events', doc: object, opts: { message: string; failure?: EsmError | null }): Promise<void> {
  const { errorJson, failureOf } = await import('../render/error-json.js');
  const full = { ...doc, ...(opts.failure ? errorJson(failureOf(opts.failure)) : {}) };
  if (mode === 'json') {
    cmd.context.stdout.write(`${JSON.stringify(full, null, 2)}\n`);
  } else {
    const { eventLine } = await import('../render/events-ndjson.js');
    cmd.context.stdout.write(eventLine('done', new Date(), { message: opts.failure ? opts.failure.message : opts.message }, full));
  }
  cmd.documentWritten = true;
}
