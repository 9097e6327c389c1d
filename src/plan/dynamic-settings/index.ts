/**
 * Which index settings an engine changes on an open index (`PUT <index>/_settings`), per
 * engine and major version: one data file each, with where its list came from. The lists
 * overlap a lot and are kept whole on purpose: each is a faithful copy of its engine's
 * source at one tag, checked against a live node, so that it can be compared with that
 * source line by line (a base plus differences could not).
 */
import { ELASTICSEARCH_8 } from './elasticsearch-8.js';
import { ELASTICSEARCH_9 } from './elasticsearch-9.js';
import { OPENSEARCH_2 } from './opensearch-2.js';
import { OPENSEARCH_3 } from './opensearch-3.js';
import type { DynamicSettingsList } from './types.js';

export type { DynamicSettingsList } from './types.js';

export const DYNAMIC_SETTINGS_LISTS: readonly DynamicSettingsList[] = [ELASTICSEARCH_8, ELASTICSEARCH_9, OPENSEARCH_2, OPENSEARCH_3];

/**
 * Tells whether a setting (canonical key: dotted, without `index.`) is dynamic on the engine.
 * `label` names the list for the reasons (`OpenSearch 2`).
 */
export interface DynamicSettings {
  label: string;
  isDynamic(key: string): boolean;
}

/**
 * The list of an engine's version (`8.19.7`): the nearest major there is (ES ≤ 8 → 8, ≥ 9 → 9;
 * OpenSearch ≤ 2 → 2, ≥ 3 → 3). Without an engine (an offline plan): dynamic only when dynamic
 * on every list, the safe reading.
 */
export function dynamicSettingsFor(engine: string | undefined, version: string | undefined): DynamicSettings {
  const lists = DYNAMIC_SETTINGS_LISTS.filter((l) => l.engine === engine);
  if (lists.length === 0) return everyList;
  const major = Number.parseInt(version ?? '', 10);
  const sorted = [...lists].sort((a, b) => a.major - b.major);
  const list = Number.isFinite(major) ? (sorted.filter((l) => l.major <= major).at(-1) ?? sorted[0]!) : sorted.at(-1)!;
  return ofList(list);
}

const cache = new Map<DynamicSettingsList, DynamicSettings>();

function ofList(list: DynamicSettingsList): DynamicSettings {
  let d = cache.get(list);
  if (!d) {
    const keys = new Set(list.keys.map(bare));
    const prefixes = list.prefixes.map(bare);
    d = {
      label: `${list.engine === 'elasticsearch' ? 'Elasticsearch' : 'OpenSearch'} ${list.major}`,
      isDynamic: (key) => keys.has(key) || prefixes.some((p) => key.startsWith(p)),
    };
    cache.set(list, d);
  }
  return d;
}

const everyList: DynamicSettings = {
  label: 'every engine',
  isDynamic: (key) => DYNAMIC_SETTINGS_LISTS.every((l) => ofList(l).isDynamic(key)),
};

function bare(key: string): string {
  return key.startsWith('index.') ? key.slice('index.'.length) : key;
}
