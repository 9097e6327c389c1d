/**
 * The only entry into Ink (STYLE: Ink appears behind a few render functions).
 * Commands call `renderProgress` on a TTY; without one they use plain lines.
 */
import { render } from 'ink';
import type { Writable } from 'node:stream';
import type { Emit } from '../apply/events.js';
import { initialState, reduce, type ViewState } from './progress-state.js';
import { ProgressView } from './progress-view.js';

export interface LiveProgress {
  emit: Emit;
  /** Draws the final frame and releases the terminal. */
  finish(): Promise<void>;
}

export function renderProgress(out: Writable, opts: { stdin?: NodeJS.ReadStream; throttleMs?: number } = {}): LiveProgress {
  let state: ViewState = initialState;
  const app = render(<ProgressView state={state} />, {
    stdout: out as NodeJS.WriteStream,
    // An explicit `stdin: undefined` replaces Ink's default (process.stdin) and Ink then renders nothing.
    ...(opts.stdin ? { stdin: opts.stdin } : {}),
    exitOnCtrlC: false,
    patchConsole: false,
  });
  let pending: NodeJS.Timeout | null = null;
  const draw = () => {
    pending = null;
    app.rerender(<ProgressView state={state} />);
  };
  const throttle = opts.throttleMs ?? 100;
  return {
    emit(e) {
      state = reduce(state, e);
      if (throttle === 0) draw();
      else pending ??= setTimeout(draw, throttle);
    },
    async finish() {
      if (pending) clearTimeout(pending);
      draw();
      app.unmount();
      await app.waitUntilExit();
    },
  };
}
