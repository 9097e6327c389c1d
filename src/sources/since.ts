import { InvalidInputError } from '../errors.js';

/**
 * The one rule for "changed after `since`", shared by the sources that filter
 * documents themselves (ndjson). Values of `updatedField` may be ISO dates or
 * epoch milliseconds (a number, or a string of digits).
 */

/** Milliseconds since the epoch of an `updatedField` value, or null when it is not a time. */
export function timeOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') {
    const s = value.trim();
    if (s === '') return null;
    if (/^-?\d+$/.test(s)) return Number(s);
    const ms = Date.parse(s);
    return Number.isNaN(ms) ? null : ms;
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

/** Parse the `since` of ReadOptions; throws on a value that is not a time. */
export function parseSince(since: string): number {
  const ms = timeOf(since);
  if (ms === null) throw new InvalidInputError(`since is not a date: ${JSON.stringify(since)} (expected an ISO date or epoch milliseconds)`);
  return ms;
}

/**
 * True when a document must be sent by an incremental read: its `updatedField`
 * value is later than `sinceMs`. A document whose value is missing or not a
 * time is sent too: esm cannot prove it unchanged, and re-sending is harmless.
 */
export function changedSince(value: unknown, sinceMs: number): boolean {
  const ms = timeOf(value);
  return ms === null || ms > sinceMs;
}
