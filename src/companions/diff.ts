/** What differs between two canonical companion bodies, as `path: before → after` lines for people. Pure. */
import { deepEqual, isRecord } from '../fingerprint/canonical-value.js';

type Rec = Record<string, unknown>;

/** At most this many lines: the rest is counted. */
const MAX_LINES = 20;

export function bodyChanges(before: unknown, after: unknown): string[] {
  const out: string[] = [];
  walk(before, after, '', out);
  if (out.length > MAX_LINES) return [...out.slice(0, MAX_LINES), `… and ${out.length - MAX_LINES} more`];
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: string[]): void {
  if (deepEqual(a, b)) return;
  if (isRecord(a) && isRecord(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) walk(a[k], b[k], path ? `${path}.${k}` : k, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => walk(x, b[i], `${path}[${i}]`, out));
    return;
  }
  out.push(`${path || '(the whole body)'}: ${show(a)} → ${show(b)}`);
}

function show(v: unknown): string {
  if (v === undefined) return '(unset)';
  const text = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

export { deepEqual as sameBody };
