/**
 * Ctrl-C stops long work cleanly: the first SIGINT/SIGTERM aborts the signal
 * (in-flight batches finish, the action is recorded `aborted`, nothing is
 * activated); a second one exits at once.
 */
export async function withInterrupt<T>(fn: (signal: AbortSignal, interrupted: () => boolean) => Promise<T>, onFirst?: () => void): Promise<T> {
  const ac = new AbortController();
  let count = 0;
  const handler = (sig: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      onFirst?.();
      ac.abort(new Error(`interrupted by ${sig}`));
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  try {
    return await fn(ac.signal, () => ac.signal.aborted);
  } finally {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  }
}
