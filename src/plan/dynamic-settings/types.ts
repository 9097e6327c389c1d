/** One engine major version's dynamic index settings, as its data file lists them. */
export interface DynamicSettingsList {
  engine: 'elasticsearch' | 'opensearch';
  major: number;
  /** Full keys (`index.refresh_interval`). */
  keys: readonly string[];
  /** Prefix (affix) settings: every key under one is dynamic (`index.routing.allocation.include.`). */
  prefixes: readonly string[];
}
