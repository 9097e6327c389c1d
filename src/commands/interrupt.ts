/**
 * Stopping well (SPEC §9): the first SIGINT (Ctrl-C) or SIGTERM aborts the
 * run's signal and says so at once (`onFirst`: the view shows `stopping…`); the run
 * ends at its next safe point — requests in flight finish, each fill records where it
 * stopped, nothing more is started, no alias moves — and what it throws becomes an
 * InterruptedError: exit 130 (SIGINT) or 143 (SIGTERM). A second signal exits at once.
 */
import { InterruptedError, stopSignalOf, type StopSignal } from '../errors.js';

export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>, onFirst?: (sig: StopSignal) => void): Promise<T> {
  const ac = new AbortController();
  let count = 0;
  const handler = (sig: StopSignal) => {
    count++;
    if (count === 1) {
      ac.abort(Object.assign(new Error(`interrupted by ${sig}`), { stopSignal: sig }));
      onFirst?.(sig);
    } else {
      process.exit(sig === 'SIGTERM' ? 143 : 130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  try {
    return await fn(ac.signal);
  } catch (e) {
    throw asInterrupted(e, ac.signal);
  } finally {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  }
}

/** An error a stopped run ends with, as the interruption it is (its message kept); any other error as it is. */
export function asInterrupted(e: unknown, signal: AbortSignal): unknown {
  const sig = stopSignalOf(signal);
  if (sig === null || e instanceof InterruptedError) return e;
  return Object.assign(new InterruptedError(e instanceof Error ? e.message : String(e), sig), { cause: e });
}
