/**
 * A cluster in memory, for the pure tests of the operations, the executor and the lock:
 * the engine port (`Cluster`) as a single Elasticsearch node answers it, without one.
 * Indices, their `_meta.esm`, aliases and documents are plain maps. Alias changes and
 * the apply lock are not imitated: they go through src/cluster's own request builders
 * (aliases.ts, lock.ts) on a connection that answers those few REST calls the way the
 * engine does — so a wrong request (an alias added without its removal, a lock written
 * over its holder) shows as a wrong state here, as it would on a real node.
 *
 * `fault` is called before every change (`create`, `delete`, `meta`, `bulk`, `alias`):
 * a test throws from it to fail or "kill" a run at that point.
 */
import { removeAlias as removeAliasVia, swapAlias as swapAliasVia } from '../../src/cluster/aliases.js';
import type { Cluster } from '../../src/cluster/cluster.js';
import type { Confirmed } from '../../src/cluster/confirm.js';
import type { Conn } from '../../src/cluster/conn.js';
import type { IndexHealth } from '../../src/cluster/health.js';
import { elasticsearch } from '../../src/cluster/elasticsearch/index.js';
import type { EngineDriver, HttpRequest } from '../../src/cluster/engine.js';
import { acquireLock, currentLock, forceReleaseLock, LOCK_INDEX } from '../../src/cluster/lock.js';
import type { IndexSpec } from '../../src/cluster/indices.js';
import { DEFAULT_RETRY } from '../../src/cluster/retry.js';
import type { EngineForm, IndexTemplateInfo, Simulated, SpecBody, TemplateGiven } from '../../src/cluster/simulate.js';
import type { ClusterSnapshot, IndexSnapshot, InstanceMeta } from '../../src/cluster/types.js';
import type { EsmConfig } from '../../src/config/types.js';
import type { HistoryStore } from '../../src/history/store.js';
import { ClusterError } from '../../src/errors.js';
import { Session, type SessionOptions } from '../../src/operations/session.js';
import { fieldValue } from '../../src/sources/doc-field.js';
import type { Doc } from '../../src/sources/types.js';

export interface MemoryIndex {
  name: string;
  settings: Record<string, unknown>;
  /** Without `_meta`. */
  mappings: Record<string, unknown>;
  meta: InstanceMeta | null;
  aliases: Set<string>;
  docs: Map<string, Doc>;
}

export type FaultPoint = { op: 'create' | 'delete' | 'meta' | 'bulk' | 'alias' | 'settings' | 'mapping'; index: string };

const URL = 'http://memory.invalid:9200';
/** Elasticsearch's driver (its label and quirks), without its client. */
const ENGINE: EngineDriver = { ...elasticsearch, open: () => Promise.reject(new Error('the memory cluster has no client')) };

interface LockRow {
  doc: unknown;
  seqNo: number;
  primaryTerm: number;
}

/**
 * Implements the part of the engine port that the operations and the executor use; the
 * session sees it through `asCluster()`, where any other method throws, naming itself.
 */
export class MemoryCluster {
  readonly url = URL;
  /** A cluster in memory is always reached. */
  readonly unreachable = null;
  readonly indices = new Map<string, MemoryIndex>();
  /** Every request sent through the connection (aliases, the lock), in order. */
  readonly requests: HttpRequest[] = [];
  fault: (at: FaultPoint) => void = () => {};
  private readonly locks = new Map<string, LockRow>();
  private seqNo = 0;
  /** Documents written or deleted per index, as an engine's sequence numbers count them (-1: none yet). */
  private readonly writes = new Map<string, number>();
  private wrote(index: string, n = 1): void {
    if (n > 0) this.writes.set(index, (this.writes.get(index) ?? this.index(index).docs.size - 1) + n);
  }
  readonly conn: Conn;

  constructor() {
    const send = <T>(req: HttpRequest): Promise<T> => {
      this.requests.push(structuredClone(req));
      try {
        return Promise.resolve(this.answer(req) as T);
      } catch (e) {
        return Promise.reject(e);
      }
    };
    this.conn = {
      url: URL,
      engine: ENGINE,
      retry: { ...DEFAULT_RETRY, tries: 1 },
      context: (what) => ({ url: URL, what, label: ENGINE.label }),
      send: (req) => send(req),
      request: (_what, req) => send(req),
    };
  }

  /** An index as if created earlier (by esm when `meta` is given). */
  addIndex(name: string, o: { meta?: InstanceMeta | null; aliases?: string[]; docs?: Doc[]; settings?: Record<string, unknown>; mappings?: Record<string, unknown> } = {}): MemoryIndex {
    const index: MemoryIndex = {
      name,
      settings: o.settings ?? { number_of_shards: '1', number_of_replicas: '1' },
      mappings: o.mappings ?? {},
      meta: o.meta ?? null,
      aliases: new Set(o.aliases ?? []),
      docs: new Map((o.docs ?? []).map((d, i) => [String(d['id'] ?? i), d])),
    };
    this.indices.set(name, index);
    return index;
  }

  /** This cluster as the engine port; a method it does not imitate throws when called. */
  asCluster(): Cluster {
    return new Proxy(this, {
      get(target, prop, receiver) {
        // Not a promise (await looks for then), and nothing behind symbols.
        if (prop === 'then' || typeof prop === 'symbol') return undefined;
        if (prop in target) {
          const value: unknown = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return () => {
          throw new Error(`the memory cluster does not imitate ${String(prop)}(): add it to test/support/memory-cluster.ts`);
        };
      },
    }) as unknown as Cluster;
  }

  /** The indices an alias points at, sorted. */
  aliasTargets(alias: string): string[] {
    return [...this.indices.values()].filter((i) => i.aliases.has(alias)).map((i) => i.name).sort();
  }

  async info() {
    return { clusterName: 'memory', version: '8.19.7', engine: 'elasticsearch' };
  }
  async capabilities() {
    return { reindex: true, deleteByQuery: true };
  }
  async nodeFacts() {
    return { version: '8.19.7', capabilities: await this.capabilities(), writeThreads: 2 };
  }

  async snapshot(prefix: string): Promise<ClusterSnapshot> {
    const indices = [...this.indices.values()].filter((i) => i.name.startsWith(prefix)).map((i) => this.indexSnapshot(i));
    const aliases: Record<string, string[]> = {};
    for (const i of indices) for (const a of i.aliases) aliases[a] = [...(aliases[a] ?? []), i.name];
    return { clusterName: 'memory', engine: 'elasticsearch', version: '8.19.7', prefix, indices, aliases, capabilities: await this.capabilities() };
  }

  async getIndex(name: string): Promise<IndexSnapshot | null> {
    const index = this.indices.get(name) ?? [...this.indices.values()].find((i) => i.aliases.has(name));
    return index ? this.indexSnapshot(index) : null;
  }

  async createIndex(name: string, spec: IndexSpec): Promise<Confirmed | null> {
    this.fault({ op: 'create', index: name });
    if (this.indices.has(name)) throw this.error(400, 'resource_already_exists_exception', `index [${name}] already exists`);
    this.addIndex(name, { meta: structuredClone(spec.meta), settings: structuredClone(spec.settings), mappings: structuredClone(spec.mappings) });
    return null;
  }

  async updateMeta(index: string, patch: Partial<InstanceMeta>): Promise<InstanceMeta> {
    this.fault({ op: 'meta', index });
    const i = this.index(index);
    i.meta = { ...(i.meta as InstanceMeta), ...patch };
    return i.meta;
  }

  async putSettings(index: string, settings: Record<string, unknown>): Promise<void> {
    this.fault({ op: 'settings', index });
    Object.assign(this.index(index).settings, settings);
  }

  async putMapping(index: string, mappings: Record<string, unknown>): Promise<void> {
    this.fault({ op: 'mapping', index });
    const { _meta, ...rest } = mappings;
    Object.assign(this.index(index).mappings, rest);
  }

  async deleteIndices(names: readonly string[], opts: { ignoreMissing?: boolean } = {}): Promise<Confirmed | null> {
    for (const name of names) {
      this.fault({ op: 'delete', index: name });
      if (!this.indices.delete(name) && !opts.ignoreMissing) throw this.missing(name);
    }
    return null;
  }

  async refresh(index: string): Promise<void> {
    this.index(index);
  }

  async count(index: string): Promise<number> {
    return this.index(index).docs.size;
  }

  /** Every index is green as soon as it exists: one node that holds every copy (a wait never waits here). */
  async indexHealth(index: string): Promise<IndexHealth> {
    const shards = Number(this.index(index).settings['number_of_shards'] ?? 1);
    return { status: 'green', activePrimaryShards: shards, activeShards: shards, initializingShards: 0, relocatingShards: 0, unassignedShards: 0, dataNodes: 1 };
  }

  swapAlias(alias: string, target: { from: string | null; to: string }): Promise<Confirmed | null> {
    return swapAliasVia(this.conn, alias, target);
  }

  removeAlias(alias: string, index?: string): Promise<void> {
    return removeAliasVia(this.conn, alias, index);
  }

  async *scan(index: string) {
    for (const [id, doc] of this.index(index).docs) yield { _id: id, _index: index, _source: doc };
  }

  async *scanIds(index: string) {
    yield* this.index(index).docs.keys();
  }

  /** As cluster/write-mark.ts: one "shard" per index, its name for a UUID; an index added with documents counts them as written. */
  async writeMark(index: string): Promise<string | null> {
    const i = this.index((await this.getIndex(index))?.name ?? index);
    return `${i.name}/0:${this.writes.get(i.name) ?? i.docs.size - 1}`;
  }

  async bulkWrite(opts: Parameters<Cluster['bulkWrite']>[0]) {
    const index = this.index(opts.index);
    let indexed = 0;
    for await (const doc of opts.docs) {
      this.fault({ op: 'bulk', index: opts.index });
      const id = opts.idField ? String(fieldValue(doc, opts.idField)) : `auto-${index.docs.size}`;
      index.docs.set(id, doc);
      this.wrote(opts.index);
      indexed++;
      opts.onProgress?.({ done: indexed, failed: 0 });
    }
    return { indexed, failed: 0, errors: [], aborted: false };
  }

  async bulkWriteHits(opts: Parameters<Cluster['bulkWriteHits']>[0]) {
    const index = this.index(opts.index);
    let indexed = 0;
    for await (const hit of opts.hits) {
      this.fault({ op: 'bulk', index: opts.index });
      index.docs.set(hit._id, hit._source ?? {});
      this.wrote(opts.index);
      indexed++;
    }
    return { indexed, failed: 0, errors: [], aborted: false };
  }

  async reindex(opts: Parameters<Cluster['reindex']>[0]) {
    const from = (await this.getIndex(opts.source))?.name;
    const dest = this.index(opts.dest);
    let created = 0;
    for (const [id, doc] of this.index(from ?? opts.source).docs) {
      this.fault({ op: 'bulk', index: opts.dest });
      dest.docs.set(id, doc);
      this.wrote(dest.name);
      created++;
    }
    return { created, failed: 0, errors: [], aborted: false, via: 'server' as const };
  }

  async prepareForFill(index: string): Promise<void> {
    this.index(index);
  }

  async restoreAfterFill(index: string): Promise<void> {
    this.index(index);
  }

  async clear(index: string): Promise<{ deleted: number }> {
    const i = this.index(index);
    const deleted = i.docs.size;
    this.wrote(index, deleted);
    i.docs.clear();
    return { deleted };
  }

  async deleteDocs(index: string, ids: readonly string[]): Promise<number> {
    const i = this.index(index);
    this.writes.set(index, this.writes.get(index) ?? i.docs.size - 1);
    const deleted = ids.filter((id) => i.docs.delete(id)).length;
    this.wrote(index, deleted);
    return deleted;
  }

  // No index templates here: an index holds the settings and mappings it was created with.
  async indexTemplates(): Promise<IndexTemplateInfo[]> {
    return [];
  }
  async simulateIndex(): Promise<TemplateGiven> {
    return { template: null, spec: { settings: {}, mappings: {} }, overlapping: [] };
  }
  async simulateTemplate(template: Record<string, unknown>): Promise<Simulated> {
    const t = (template['template'] ?? {}) as Partial<SpecBody>;
    return { kind: 'held', spec: { settings: structuredClone(t.settings ?? {}), mappings: structuredClone(t.mappings ?? {}) } };
  }
  async engineForm(_name: string, spec: SpecBody): Promise<EngineForm> {
    return { kind: 'held', spec: structuredClone(spec), template: null };
  }
  async engineForms<K extends string>(wanted: ReadonlyArray<{ key: K; name: string; spec: SpecBody }>): Promise<Map<K, EngineForm>> {
    return new Map(await Promise.all(wanted.map(async (w) => [w.key, await this.engineForm(w.name, w.spec)] as const)));
  }

  acquireLock(...args: Parameters<Cluster['acquireLock']>) {
    return acquireLock(this.conn, ...args);
  }
  currentLock(prefix: string) {
    return currentLock(this.conn, prefix);
  }
  forceReleaseLock(prefix: string) {
    return forceReleaseLock(this.conn, prefix);
  }

  async close(): Promise<void> {}

  // ---- the REST calls of aliases.ts and lock.ts, answered as Elasticsearch does ----

  private answer(req: HttpRequest): unknown {
    const [path = '', query] = [req.path, req.querystring ?? {}];
    if (req.method === 'POST' && path === '/_aliases') return this.aliasActions((req.body as { actions: Record<string, { index: string; alias: string }>[] }).actions);
    const lockIndex = `/${LOCK_INDEX}`;
    if (path === lockIndex) return req.method === 'HEAD' ? this.locksExist : ((this.locksExist = true), { acknowledged: true });
    const m = new RegExp(`^${lockIndex}/(_doc|_create)/(.+)$`).exec(path);
    if (!m) throw new Error(`the memory cluster does not answer ${req.method} ${path}`);
    const [, op, rawId] = m;
    const id = decodeURIComponent(rawId!);
    const row = this.locks.get(id);
    const conditional = query['if_seq_no'] !== undefined;
    const matches = row !== undefined && row.seqNo === Number(query['if_seq_no']) && row.primaryTerm === Number(query['if_primary_term']);
    switch (req.method) {
      case 'GET':
        return row ? { found: true, _source: structuredClone(row.doc), _seq_no: row.seqNo, _primary_term: row.primaryTerm } : { found: false };
      case 'PUT': {
        if (op === '_create' && row) throw this.error(409, 'version_conflict_engine_exception', `[${id}]: version conflict, document already exists`);
        if (conditional && !matches) throw this.error(409, 'version_conflict_engine_exception', `[${id}]: version conflict`);
        const next = { doc: structuredClone(req.body), seqNo: ++this.seqNo, primaryTerm: 1 };
        this.locks.set(id, next);
        return { _seq_no: next.seqNo, _primary_term: next.primaryTerm, result: row ? 'updated' : 'created' };
      }
      case 'DELETE':
        if (!row) throw this.error(404, 'not_found', `[${id}] not found`);
        if (conditional && !matches) throw this.error(409, 'version_conflict_engine_exception', `[${id}]: version conflict`);
        this.locks.delete(id);
        return { result: 'deleted' };
      default:
        throw new Error(`the memory cluster does not answer ${req.method} ${path}`);
    }
  }

  private locksExist = false;

  /** `POST /_aliases`: all actions or none; a remove that finds no alias fails alone, as Elasticsearch reports it. */
  private aliasActions(actions: Record<string, { index: string; alias: string }>[]) {
    const after = new Map([...this.indices.values()].map((i) => [i.name, new Set(i.aliases)]));
    const results: { action: { type: string }; status: number; error?: { type: string; reason: string } }[] = [];
    for (const action of actions) {
      const [type, { index, alias }] = Object.entries(action)[0]!;
      this.fault({ op: 'alias', index });
      const targets = index === '*' ? [...after.keys()] : [index];
      if (type === 'add') {
        if (!after.has(index)) throw this.missing(index);
        after.get(index)!.add(alias);
        results.push({ action: { type }, status: 200 });
      } else if (type === 'remove') {
        const holders = targets.filter((t) => after.get(t)?.delete(alias));
        results.push(holders.length ? { action: { type }, status: 200 } : { action: { type }, status: 404, error: { type: 'aliases_not_found_exception', reason: `aliases [${alias}] missing` } });
      } else {
        throw new Error(`the memory cluster does not know the alias action ${type}`);
      }
    }
    for (const [name, aliases] of after) this.indices.get(name)!.aliases = aliases;
    return { acknowledged: true, errors: results.some((r) => r.error), action_results: results };
  }

  private index(name: string): MemoryIndex {
    const i = this.indices.get(name);
    if (!i) throw this.missing(name);
    return i;
  }

  private indexSnapshot(i: MemoryIndex): IndexSnapshot {
    const mappings = i.meta ? { ...structuredClone(i.mappings), _meta: { esm: structuredClone(i.meta) } } : structuredClone(i.mappings);
    return { name: i.name, aliases: [...i.aliases].sort(), settings: structuredClone(i.settings), mappings, meta: i.meta ? structuredClone(i.meta) : null, docs: i.docs.size, health: 'green' };
  }

  private missing(name: string): ClusterError {
    return this.error(404, 'index_not_found_exception', `no such index [${name}]`);
  }

  private error(status: number, type: string, reason: string): ClusterError {
    return new ClusterError(`Elasticsearch at ${URL} answered ${status} (${type}: ${reason})`, { url: URL, status, type });
  }
}

/** A session on a memory cluster: the real session (state file, journal, manifests), only its cluster is in memory. */
export class MemorySession extends Session {
  constructor(
    readonly memory: MemoryCluster,
    config: Partial<EsmConfig> & Pick<EsmConfig, 'statePath'>,
    opts: SessionOptions & { store?: HistoryStore } = {},
  ) {
    super(
      {
        url: URL,
        auth: { kind: 'none' },
        caCert: null,
        engine: 'auto',
        aws: null,
        timeoutMs: 30_000,
        prefix: '',
        manifestsDir: 'manifests',
        cwd: '.',
        configFile: null,
        ...config,
      },
      opts,
    );
  }

  override async cluster(): Promise<Cluster> {
    return this.memory.asCluster();
  }

  /** The store given (e.g. one whose writes a test makes fail), else the state file opened as usual. */
  override store(): Promise<HistoryStore> {
    const given = (this.opts as { store?: HistoryStore }).store;
    return given ? Promise.resolve(given) : super.store();
  }
}
