/**
 * A connection to one cluster: the only door to Elasticsearch (STYLE habit 4).
 * Every call is retried with backoff and fails with a ClusterError that names
 * the URL (never credentials). Node facts (version, modules) and the cluster
 * name are read once per connection.
 */
import type { EsmConfig } from '../config/types.js';
import { swapAlias, removeAlias } from './aliases.js';
import { clearIndex, type ClearOptions } from './clear.js';
import { createClient, type RequestEvent } from './client.js';
import type { Conn } from './conn.js';
import { readClusterName, readNodeFacts, type Capabilities, type ClusterInfo, type NodeFacts } from './info.js';
import { count, createIndex, deleteIndices, getIndex, putMapping, putSettings, refresh, updateMeta, type IndexSpec } from './indices.js';
import { acquireLock, type AcquireLockOptions, type Lock, type LockHolder } from './lock.js';
import { retryPolicy, withRetry, type RetryPolicy } from './retry.js';
import { scan, type ScanHit, type ScanOptions } from './scan.js';
import { readSnapshot } from './snapshot.js';
import type { ClusterSnapshot, IndexSnapshot, InstanceMeta } from './types.js';

export interface ConnectOptions {
  retry?: Partial<RetryPolicy>;
  /** Called for every HTTP request sent (each retry counts). */
  onRequest?: (e: RequestEvent) => void;
  /** Timeout of one HTTP request (default 60 s). */
  requestTimeoutMs?: number;
}

export interface Cluster extends Conn {
  info(): Promise<ClusterInfo>;
  capabilities(): Promise<Capabilities>;
  /** Everything under the prefix, in a constant number of requests. */
  /** Everything under the prefix; with `master`, only that master's indices and alias. */
  snapshot(prefix: string, opts?: { master?: string }): Promise<ClusterSnapshot>;
  /** One index (or the index an alias points at); null when missing. */
  getIndex(name: string): Promise<IndexSnapshot | null>;
  createIndex(name: string, spec: IndexSpec): Promise<void>;
  /** Merge into `_meta.esm`, keeping the other `_meta` keys; returns the new meta. */
  updateMeta(index: string, patch: Partial<InstanceMeta>): Promise<InstanceMeta>;
  putSettings(index: string, settings: Record<string, unknown>): Promise<void>;
  putMapping(index: string, mappings: Record<string, unknown>): Promise<void>;
  deleteIndices(names: readonly string[], opts?: { ignoreMissing?: boolean }): Promise<void>;
  refresh(index: string): Promise<void>;
  count(index: string, query?: Record<string, unknown>): Promise<number>;
  /** Atomic: one `_aliases` call removes the alias everywhere and adds it to `to`. */
  swapAlias(alias: string, target: { from: string | null; to: string }): Promise<void>;
  removeAlias(alias: string, index?: string): Promise<void>;
  scan(index: string, opts?: ScanOptions): AsyncGenerator<ScanHit>;
  clear(index: string, opts?: ClearOptions): Promise<{ deleted: number }>;
  acquireLock(prefix: string, holder: LockHolder, opts: AcquireLockOptions): Promise<Lock>;
  close(): Promise<void>;
}

export function connect(config: Pick<EsmConfig, 'url' | 'auth' | 'caCert'>, opts: ConnectOptions = {}): Cluster {
  const { client, url, secrets } = createClient(config, opts);
  const retry = retryPolicy(opts.retry);
  let facts: Promise<NodeFacts> | undefined;
  let clusterName: Promise<string> | undefined;
  /** Cached on success only: a failed read is tried again next time. */
  const once = <T>(get: () => Promise<T> | undefined, set: (p: Promise<T> | undefined) => void, read: () => Promise<T>): Promise<T> => {
    let p = get();
    if (!p) {
      p = read();
      set(p);
      p.catch(() => set(undefined));
    }
    return p;
  };

  const conn: Conn = {
    client,
    url,
    retry,
    call: (what, fn, o) => withRetry(() => fn(), retry, { url, what, secrets, signal: o?.signal }),
  };
  const nodeFacts = () => once(() => facts, (p) => (facts = p), () => readNodeFacts(conn));
  const name = () => once(() => clusterName, (p) => (clusterName = p), () => readClusterName(conn));

  return {
    ...conn,
    async info() {
      const [n, f] = await Promise.all([name(), nodeFacts()]);
      return { clusterName: n, version: f.version };
    },
    async capabilities() {
      return (await nodeFacts()).capabilities;
    },
    snapshot: (prefix, opts) => readSnapshot(conn, prefix, nodeFacts, opts),
    getIndex: (n) => getIndex(conn, n),
    createIndex: (n, spec) => createIndex(conn, n, spec),
    updateMeta: (index, patch) => updateMeta(conn, index, patch),
    putSettings: (index, body) => putSettings(conn, index, body),
    putMapping: (index, body) => putMapping(conn, index, body),
    deleteIndices: (names, o) => deleteIndices(conn, names, o),
    refresh: (index) => refresh(conn, index),
    count: (index, query) => count(conn, index, query),
    swapAlias: (alias, target) => swapAlias(conn, alias, target),
    removeAlias: (alias, index) => removeAlias(conn, alias, index),
    scan: (index, o) => scan(conn, index, o),
    async clear(index, o) {
      return clearIndex(conn, index, (await nodeFacts()).capabilities, o);
    },
    acquireLock: (prefix, holder, o) => acquireLock(conn, prefix, holder, o),
    close: () => client.close(),
  };
}
