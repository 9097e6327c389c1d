/** Small helpers shared by the canonical forms: plain values in, plain values out. */

export type Rec = Record<string, unknown>;

export function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `v` when it is an object, else an empty one. */
export function asRecord(v: unknown): Rec {
  return isRecord(v) ? v : {};
}

/** The same JSON-like value: arrays in order, objects with the same keys (in any order), scalars by `===`. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** A scalar as Elasticsearch returns it: `1`, `1.0` and `"1"` all become `"1"`, `true` becomes `"true"`. */
export function scalarString(v: string | number | boolean | bigint): string {
  return String(v);
}

export function isScalar(v: unknown): v is string | number | boolean | bigint {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint';
}

/**
 * Any JSON-like value in canonical form: object keys sorted at every level,
 * scalars as strings, `null` members of objects left out (Elasticsearch treats
 * a `null` parameter as unset), array order kept.
 */
export function canonicalValue(v: unknown): unknown {
  if (isScalar(v)) return scalarString(v);
  if (Array.isArray(v)) return v.map((x) => (x === null ? null : canonicalValue(x)));
  if (isRecord(v)) {
    const out: Rec = {};
    for (const key of Object.keys(v).sort()) {
      const x = v[key];
      if (x === null || x === undefined) continue;
      out[key] = canonicalValue(x);
    }
    return out;
  }
  return v;
}

/** The keys of `obj` sorted, as a new object (values untouched). */
export function sortKeys<T>(obj: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(obj).sort()) out[key] = obj[key]!;
  return out;
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (isRecord(v) && !keysSorted(v) ? sortKeys(v) : v));
}

/** Canonical forms are built sorted: checking is cheaper than copying. */
function keysSorted(obj: Rec): boolean {
  let prev: string | undefined;
  for (const key in obj) {
    if (prev !== undefined && prev > key) return false;
    prev = key;
  }
  return true;
}
