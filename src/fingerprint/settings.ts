/**
 * Canonical index settings (SPEC §4): what a manifest declares and what
 * `GET <index>/_settings` returns for the same index compare equal.
 */
import { isRecord, isScalar, scalarString, sortKeys, stableJson } from './canonical-value.js';

export type CanonicalSettings = Record<string, string | string[]>;

/**
 * Keys Elasticsearch adds to every index (or to indices made by resize, restore
 * or downsample) that users never declare. Exact keys, and prefixes ending in `.`.
 */
const SERVER_MANAGED = [
  'creation_date',
  'creation_date_string',
  'uuid',
  'provided_name',
  'history_uuid',
  'history.uuid',
  'verified_before_close',
  'routing.allocation.include._tier_preference',
  'version.',
  'resize.',
  'shrink.',
  'routing.allocation.initial_recovery.',
  'downsample.',
];

/** Values Elasticsearch applies to a new index when the request leaves them out. */
const DEFAULTS: Record<string, string> = {
  number_of_shards: '1',
  number_of_replicas: '1',
};

export function isServerManagedSetting(key: string): boolean {
  return SERVER_MANAGED.some((m) => (m.endsWith('.') ? key.startsWith(m) : key === m));
}

/**
 * Flattens nested or dotted settings to dotted keys without the `index.` prefix,
 * scalars as strings and arrays of scalars as arrays of strings, keys sorted;
 * server-managed keys are removed, `null` values (reset to default) are left
 * out and `number_of_shards` / `number_of_replicas` get their defaults.
 *
 * `{index: {number_of_shards: 1}}`, `{'index.number_of_shards': '1'}` and
 * `{number_of_shards: 1}` are the same settings.
 */
export function canonicalSettings(settings: Record<string, unknown>): CanonicalSettings {
  const flat: CanonicalSettings = {};
  flatten(settings, '', flat);
  const out: CanonicalSettings = {};
  for (const [key, value] of Object.entries(flat)) {
    if (!isServerManagedSetting(key)) out[key] = value;
  }
  for (const [key, value] of Object.entries(DEFAULTS)) out[key] ??= value;
  return sortKeys(out);
}

function flatten(value: Record<string, unknown>, prefix: string, out: CanonicalSettings): void {
  for (const [rawKey, v] of Object.entries(value)) {
    const key = stripIndexPrefix(prefix + rawKey);
    if (v === null || v === undefined) continue;
    if (isRecord(v)) {
      flatten(v, `${key}.`, out);
    } else if (Array.isArray(v)) {
      out[key] = v.map((x) => (isScalar(x) ? scalarString(x) : stableJson(x)));
    } else if (isScalar(v)) {
      out[key] = scalarString(v);
    }
  }
}

function stripIndexPrefix(key: string): string {
  return key.startsWith('index.') ? key.slice('index.'.length) : key;
}
