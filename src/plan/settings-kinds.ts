/**
 * Which index settings the engine changes on an open index (SPEC §7), keyed as in
 * the canonical form: dotted, without the `index.` prefix. Whether a setting is
 * dynamic comes from the engine's own list for its major version (dynamic-settings/);
 * the static ones named here only give a plainer reason.
 */
import { dynamicSettingsFor, type DynamicSettings } from './dynamic-settings/index.js';

export type SettingKind = 'dynamic' | 'static' | 'analysis' | 'unknown';

const STATIC = new Set([
  'number_of_shards',
  'number_of_routing_shards',
  'codec',
  'mode',
  'routing_partition_size',
  'load_fixed_bitset_filters_eagerly',
  'shard.check_on_startup',
]);

const STATIC_PATTERNS = [/^soft_deletes\.enabled$/, /^sort\./, /^store\./, /^similarity\./];

/** Without an engine (offline): dynamic only when every engine's list says so. */
const EVERY_ENGINE = dynamicSettingsFor(undefined, undefined);

export function settingKind(key: string, dynamic: DynamicSettings = EVERY_ENGINE): SettingKind {
  if (key === 'analysis' || key.startsWith('analysis.')) return 'analysis';
  if (dynamic.isDynamic(key)) return 'dynamic';
  if (STATIC.has(key) || STATIC_PATTERNS.some((re) => re.test(key))) return 'static';
  return 'unknown';
}

export function isDynamicSetting(key: string, dynamic: DynamicSettings = EVERY_ENGINE): boolean {
  return settingKind(key, dynamic) === 'dynamic';
}
