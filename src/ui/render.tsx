/**
 * The only entry into Ink (STYLE: Ink appears behind a few render functions).
 * Commands call `renderProgress` on a TTY; without one they use plain lines.
 */
import { render } from 'ink';
import type { Writable } from 'node:stream';
import type { Emit } from '../apply/events.js';
import { reduce, waitingFor, type ViewState } from './progress-state.js';
import { ProgressView } from './progress-view.js';

export interface LiveProgress {
  emit: Emit;
  /** Draws the final frame (with the total time) and releases the terminal. */
  finish(): Promise<void>;
}

export interface RenderOptions {
  stdin?: NodeJS.ReadStream;
  throttleMs?: number;
  /** Colours and styles (false with NO_COLOR / --no-color). */
  color?: boolean;
  /** The masters the run will work on, shown `waiting` until they start. */
  masters?: readonly string[];
  now?: () => number;
}

export function renderProgress(out: Writable, opts: RenderOptions = {}): LiveProgress {
  const now = opts.now ?? Date.now;
  const started = now();
  const stream = out as NodeJS.WriteStream;
  let state: ViewState = waitingFor(opts.masters ?? []);
  let tick = 0;
  const view = (elapsedMs?: number) => (
    <ProgressView state={state} columns={stream.columns || 80} color={opts.color ?? true} tick={tick} {...(elapsedMs !== undefined ? { elapsedMs } : {})} />
  );
  const app = render(view(), {
    stdout: stream,
    // An explicit `stdin: undefined` replaces Ink's default (process.stdin) and Ink then renders nothing.
    ...(opts.stdin ? { stdin: opts.stdin } : {}),
    exitOnCtrlC: false,
    patchConsole: false,
  });
  let pending: NodeJS.Timeout | null = null;
  const draw = () => {
    pending = null;
    app.rerender(view());
  };
  const throttle = opts.throttleMs ?? 100;
  // The spinner turns while steps without a count (create, activate, drop) run.
  const spinner = setInterval(() => {
    tick++;
    if (state.rows.some((r) => r.status === 'running')) draw();
  }, 120);
  spinner.unref();
  const onResize = () => draw();
  stream.on?.('resize', onResize);
  return {
    emit(e) {
      state = reduce(state, e);
      if (throttle === 0) draw();
      else pending ??= setTimeout(draw, throttle);
    },
    async finish() {
      clearInterval(spinner);
      stream.off?.('resize', onResize);
      if (pending) clearTimeout(pending);
      app.rerender(view(now() - started));
      app.unmount();
      await app.waitUntilExit();
    },
  };
}
