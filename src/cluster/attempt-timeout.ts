/**
 * The request timeout, kept to the millisecond, whatever carries the request: a search
 * client's own timers are coarse (the Elasticsearch client's HTTP stack fired a 300 ms
 * timeout after about a second), which let five attempts at a stalled cluster run past
 * attempts × timeout. Each attempt here gets its own timer that aborts it when the
 * timeout is up (esm's HTTP door keeps the same bound itself; the OpenSearch client of
 * AWS-signed connections does not).
 */

/** An attempt that got no answer within the request timeout (esm's own timer). */
export class AttemptTimedOut extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'AttemptTimedOut';
  }
}

/**
 * Runs `send` with a signal that aborts when `timeoutMs` has passed (or when `outer`
 * aborts); a send stopped by the timer rejects with AttemptTimedOut, whatever the
 * client made of the abort.
 */
export async function withinTimeout<T>(timeoutMs: number, outer: AbortSignal | undefined, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
  outer?.throwIfAborted();
  const ctl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctl.abort(new AttemptTimedOut(timeoutMs));
  }, timeoutMs);
  const onAbort = () => ctl.abort(outer!.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  try {
    return await send(ctl.signal);
  } catch (err) {
    if (timedOut) throw new AttemptTimedOut(timeoutMs);
    throw err;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  }
}
