/**
 * Ambiguous outcomes, resolved by reading (SPEC §8): when a changing call gets no
 * answer — the connection was cut after the request went out, a gateway failed, the
 * retries ran out — the call may well have taken effect. Before failing, esm reads
 * the cluster to learn whether it did, and says so instead of guessing.
 */
import { ClusterError } from '../errors.js';

/** A call whose answer was lost, confirmed by reading the cluster: what was lost, what the cluster shows. */
export interface Confirmed {
  /** The error that stood for the answer. */
  lost: string;
  /** What the cluster shows, e.g. `alias movies points at movies-2`. */
  shows: string;
}

/**
 * Could the call have been executed although it failed? Not when the engine answered it
 * (4xx), nor when the cluster could not be reached or never answered in time (reading it
 * would wait as long again; a later run compares instead, reconcile.ts).
 */
export function answerMayBeLost(err: unknown): boolean {
  if (!(err instanceof ClusterError) || err.details.unreachable) return false;
  const status = err.details.status;
  return status === undefined || status >= 500;
}

/**
 * Runs `call`; when it fails with an answer that may have been lost, `shows` reads
 * the cluster and says what proves the call took effect (null: it did not, or the
 * read failed) — then the call counts as done, confirmed. Otherwise its error stands.
 */
export async function confirmingLoss(call: () => Promise<unknown>, shows: () => Promise<string | null>): Promise<Confirmed | null> {
  try {
    await call();
    return null;
  } catch (err) {
    if (!answerMayBeLost(err)) throw err;
    const seen = await shows().catch(() => null);
    if (seen === null) throw err;
    return { lost: (err as Error).message, shows: seen };
  }
}

/** The note an action keeps when its outcome was confirmed by reading. */
export function confirmedWords(c: Confirmed): string {
  return `confirmed from the cluster: ${c.shows} (the answer was lost: ${c.lost})`;
}
