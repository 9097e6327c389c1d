/** What esm reads from the cluster: plain data, the input of the pure planner. */

/** `_meta.esm` carried in the mappings of every instance esm creates (SPEC §4). */
export interface InstanceMeta {
  master: string;
  instance: number;
  fingerprint: string;
  createdAt: string;
  commit: string | null;
  filledAt?: string | null;
  lastUpdateAt?: string | null;
  /**
   * The highest instance number this master has used, when above this instance's
   * own: written on the newest remaining instance when a newer one is dropped, so
   * that the cluster alone (a pull-request plan) still knows the number is taken.
   */
  numbersUsed?: number;
  /**
   * The master's alias (prefix included), written when esm adopts an index it did
   * not create (SPEC §11): what places a foreign-named instance (`products_v3`) in
   * its environment, since its name cannot.
   */
  alias?: string;
  /**
   * On an instance made by cloning an index esm adopted (SPEC §11): that index's uuid.
   * The engine sets `index.routing_partition_size: 1` on every clone; on such an
   * instance it is read as not set.
   */
  clonedFrom?: string;
  /**
   * The fingerprint (SPEC §4) of the spec as the engine held it when esm created the
   * instance or last changed it in place: the engine's form (its defaults, the index
   * templates matching the name), which `fingerprint` (the manifest's) does not carry.
   * A live index with this fingerprint has not drifted, with no request to learn it.
   */
  engineFingerprint?: string;
}

export interface IndexSnapshot {
  /** Concrete index name, prefix included. */
  name: string;
  /** Aliases pointing at this index (prefix included). */
  aliases: string[];
  /** Settings as Elasticsearch returns them (flat = false), `index.` level content only. */
  settings: Record<string, unknown>;
  /** Mappings as Elasticsearch returns them (with `_meta`). */
  mappings: Record<string, unknown>;
  /** Parsed `_meta.esm`, when esm created this index. */
  meta: InstanceMeta | null;
  docs: number;
  health?: string;
}

export interface ClusterSnapshot {
  clusterName: string;
  /** The engine (`elasticsearch`, `opensearch`); optional for snapshots built by tests and older plan files. */
  engine?: string;
  /** The engine's version. */
  version: string;
  prefix: string;
  /** Every index whose name starts with the prefix (or that an esm alias points at). */
  indices: IndexSnapshot[];
  /** alias name -> concrete index names it points at. */
  aliases: Record<string, string[]>;
  /** Optional server features, probed once (the test distribution lacks some modules). */
  capabilities: { reindex: boolean; deleteByQuery: boolean };
  /** Data nodes of the cluster (null or absent: not known). */
  dataNodes?: number | null;
}
