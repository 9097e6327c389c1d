/**
 * A connection to one cluster: the engine port, the only door to Elasticsearch or
 * OpenSearch (STYLE habit 4). Nothing here knows which engine it talks to: the
 * engine is chosen once, before the first request, from `--engine` or from the
 * cluster's answer to `GET /` (detect.ts), and its driver supplies the client and
 * the error classifier. Every call is retried with backoff within a deadline and
 * fails with a ClusterError that names the URL (never credentials). Node facts
 * (version, modules) and the cluster name are read once per connection.
 */
import { InvalidInputError, type ClusterError } from '../errors.js';
import { swapAlias, removeAlias } from './aliases.js';
import { readIndexDetails, resolveNames, type IndexDetails, type ResolvedNames } from './resolve.js';
import { cloneIndex, flush, isWriteBlocked, readMeta, replaceIndexWithAlias, setWriteBlock, uuidOf, writeEsmMeta } from './adopt.js';
import { bulkWrite, bulkWriteHits, prepareForFill, restoreAfterFill, type BulkResult, type BulkWriteHitsOptions, type BulkWriteOptions } from './bulk.js';
import { indexHealth, primaryTerms, unassignedReason, type IndexHealth } from './health.js';
import { clearIndex, deleteDocs, idsPresent, type ClearOptions, type DeleteDocsOptions } from './clear.js';
import type { Confirmed } from './confirm.js';
import type { Conn } from './conn.js';
import { AttemptTimedOut, withinTimeout } from './attempt-timeout.js';
import { chooseEngine } from './detect.js';
import type { Auth, AwsSigning, EngineChoice, EngineClient, EngineDriver, RequestEvent } from './engine.js';
import { bulkConcurrencyFor, readClusterName, readNodeFacts, type Capabilities, type ClusterInfo, type NodeFacts } from './info.js';
import {
  analyzeWithFilter,
  deleteCompanion,
  probeSynonymsApi,
  putCompanion,
  readCompanions,
  simulatePipeline,
  type CompanionObject,
  type LiveCompanions,
  type ReadCompanionsOptions,
  type SimulatedDoc,
  type SynonymsApi,
} from './companions.js';
import { count, createIndex, deleteIndices, getIndex, putMapping, putSettings, refresh, updateMeta, type IndexSpec } from './indices.js';
import { acquireLock, currentLock, forceReleaseLock, type AcquireLockOptions, type Lock, type LockDoc, type LockHolder } from './lock.js';
import { displayUrl } from '../redact.js';
import { secretsOf } from './secrets.js';
import { runReindex, type ReindexOptions, type ReindexResult } from './reindex.js';
import { retryPolicy, withRetry, type RetryPolicy } from './retry.js';
import { scan, scanIds, type ScanHit, type ScanOptions } from './scan.js';
import { engineForm, engineForms, readIndexTemplates, simulateIndex, simulateTemplate, type EngineForm, type IndexTemplateInfo, type Simulated, type SpecBody, type TemplateGiven } from './simulate.js';
import { readSnapshot } from './snapshot.js';
import { readCaCert } from './tls.js';
import { writeMark, type WriteMark } from './write-mark.js';
import type { ClusterSnapshot, IndexSnapshot, InstanceMeta } from './types.js';

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface ConnectOptions {
  retry?: Partial<RetryPolicy>;
  /** Called for every HTTP request sent (each retry counts, the engine probe too). */
  onRequest?: (e: RequestEvent) => void;
  /** Timeout of one HTTP request; overrides the config's `timeoutMs`. */
  requestTimeoutMs?: number;
}

/** What a connection is made from (the resolved config's cluster settings fit it; engine, AWS and timeout are optional). */
export interface ConnectConfig {
  /** Cluster URL, without credentials. */
  url: string;
  auth: Auth;
  /** Path of a CA certificate file (PEM) to trust, if any. */
  caCert: string | null;
  engine?: EngineChoice;
  aws?: AwsSigning | null;
  /** Timeout of one HTTP request (ms). */
  timeoutMs?: number;
}

export interface Cluster {
  /** Cluster URL without credentials. */
  readonly url: string;
  /**
   * Set once a request was given up on because the cluster could not be reached or did not
   * answer in time: what can wait for another run (releasing the lock, which expires;
   * comparing the history with the cluster) is not tried again in this one.
   */
  readonly unreachable: ClusterError | null;
  /** Cluster name, engine and version. */
  info(): Promise<ClusterInfo>;
  capabilities(): Promise<Capabilities>;
  /** Version, capabilities and write threads of the nodes (read once per connection). */
  nodeFacts(): Promise<NodeFacts>;
  /**
   * Everything under the prefix, in a constant number of requests; with `master`, only that
   * master's indices and alias, and the indices named in `also` (its foreign-named instances).
   */
  snapshot(prefix: string, opts?: { master?: string; also?: readonly string[] }): Promise<ClusterSnapshot>;
  /** One index (or the index an alias points at); null when missing. */
  getIndex(name: string): Promise<IndexSnapshot | null>;
  /** Null, or how the cluster confirmed the create whose answer was lost (the same for the other changing calls). */
  createIndex(name: string, spec: IndexSpec): Promise<Confirmed | null>;
  /** Merge into `_meta.esm`, keeping the other `_meta` keys; returns the new meta. */
  updateMeta(index: string, patch: Partial<InstanceMeta>): Promise<InstanceMeta>;
  putSettings(index: string, settings: Record<string, unknown>): Promise<void>;
  putMapping(index: string, mappings: Record<string, unknown>): Promise<void>;
  deleteIndices(names: readonly string[], opts?: { ignoreMissing?: boolean }): Promise<Confirmed | null>;
  refresh(index: string): Promise<void>;
  count(index: string, query?: Record<string, unknown>): Promise<number>;
  /** What changes whenever a document of the index (or of the indices behind an alias) is written or deleted; null: the engine does not say. */
  writeMark(index: string): Promise<WriteMark | null>;
  /** Atomic: one `_aliases` call removes the alias everywhere and adds it to `to`. */
  swapAlias(alias: string, target: { from: string | null; to: string }): Promise<Confirmed | null>;
  removeAlias(alias: string, index?: string): Promise<void>;
  /** Which of these names and wildcards are indices (open, closed, hidden, system), aliases and data streams (`esm import`). */
  resolveNames(patterns: readonly string[], opts: { hidden: boolean }): Promise<ResolvedNames>;
  /** Settings, mappings and alias properties of these indices, by exact name. */
  readIndexDetails(names: readonly string[]): Promise<Map<string, IndexDetails>>;
  /** `index.blocks.write`: true refuses writes to the index, null lifts the block. */
  setWriteBlock(index: string, blocked: true | null): Promise<void>;
  isWriteBlocked(index: string): Promise<boolean>;
  /** Everything written so far into a Lucene commit on disk (a fill's checkpoint, a clone's source). */
  flush(index: string): Promise<void>;
  /** `_clone` a write-blocked index, with its replicas; the clone is writable. */
  cloneIndex(source: string, target: string): Promise<void>;
  uuidOf(index: string): Promise<string | null>;
  /** The index's `_meta` (empty: none), or null when the index does not exist. */
  readMeta(index: string): Promise<Record<string, unknown> | null>;
  /** `_meta.esm` set to `esm` as a whole (null: removed), the other `_meta` keys kept. */
  writeEsmMeta(index: string, esm: Record<string, unknown> | null): Promise<void>;
  /** ONE `_aliases` call: the alias `alias` → `to` added, the index `index` removed (SPEC §11). */
  replaceIndexWithAlias(index: string, alias: string, to: string): Promise<void>;
  scan(index: string, opts?: ScanOptions): AsyncGenerator<ScanHit>;
  /** Every document's id and nothing else (the id-set comparisons). */
  scanIds(index: string, opts?: Omit<ScanOptions, 'sourceIncludes'>): AsyncGenerator<string>;
  /** Write documents (ids from `idField`) with bounded memory and retries. */
  bulkWrite(opts: BulkWriteOptions): Promise<BulkResult>;
  /** Write documents that carry their ids (`{ _id, _source }`). */
  bulkWriteHits(opts: BulkWriteHitsOptions): Promise<BulkResult>;
  /** Fill `dest` from `source`: server-side `_reindex` task when the cluster has the module, client-side copy otherwise. */
  reindex(opts: Omit<ReindexOptions, 'capabilities'>): Promise<ReindexResult>;
  /** How far `index` is from green: its shard copies by state (read now, no waiting). */
  indexHealth(index: string, signal?: AbortSignal): Promise<IndexHealth>;
  /** Why a shard copy of `index` is unassigned, in the engine's words; null when none is. Best effort. */
  unassignedReason(index: string): Promise<string | null>;
  /** The primary term of each shard of `index`: one rises when a primary is allocated again after a failure. */
  primaryTerms(index: string): Promise<number[]>;
  /** No refreshes and no replicas while a new instance is filled. */
  prepareForFill(index: string): Promise<void>;
  /** The manifest's refresh interval and replicas (or the defaults) back, then a refresh. */
  restoreAfterFill(index: string, desiredSettings: Record<string, unknown>): Promise<void>;
  clear(index: string, opts?: ClearOptions): Promise<{ deleted: number }>;
  /** Delete documents by id (missing ones are no error), then refresh (unless `refresh: false`); returns how many were deleted. */
  deleteDocs(index: string, ids: readonly string[], opts?: DeleteDocsOptions): Promise<number>;
  /** Which of these ids the index holds now (real-time). */
  idsPresent(index: string, ids: readonly string[]): Promise<string[]>;
  /** Every composable index template (name, patterns, priority, component templates). Read-only. */
  indexTemplates(): Promise<IndexTemplateInfo[]>;
  /** What the index templates matching `name` give an index of that name (`_simulate_index`). Read-only. */
  simulateIndex(name: string): Promise<TemplateGiven>;
  /** An inline index template as the engine would compose it (`_index_template/_simulate`), or its reasons for refusing it. Read-only. */
  simulateTemplate(template: Record<string, unknown>): Promise<Simulated>;
  /** The engine's form of `spec` for an index named `name` (templates included), or why it refuses it. Read-only. */
  engineForm(name: string, spec: SpecBody): Promise<EngineForm>;
  /** Engine forms of several specs, the templates read once. Read-only. */
  engineForms<K extends string>(wanted: ReadonlyArray<{ key: K; name: string; spec: SpecBody }>): Promise<Map<K, EngineForm>>;
  /** Companion objects (SPEC §12) under the prefix: pipelines, templates, the scripts named, synonym sets. */
  companions(opts: ReadCompanionsOptions): Promise<LiveCompanions>;
  /** Whether synonym sets can be stored in the cluster (`_synonyms`), asked once per connection. */
  synonymsApi(): Promise<SynonymsApi>;
  putCompanion(object: CompanionObject, id: string, body: Record<string, unknown>): Promise<void>;
  /** A missing object is no error. */
  deleteCompanion(object: CompanionObject, id: string): Promise<void>;
  /** Documents through a pipeline body, nothing stored; a pipeline the engine cannot build is a ClusterError (400). */
  simulatePipeline(pipeline: Record<string, unknown>, docs: readonly Record<string, unknown>[]): Promise<SimulatedDoc[]>;
  /** `_analyze` with an inline token filter: rules the engine cannot parse are a ClusterError (400). */
  analyzeWithFilter(filter: Record<string, unknown>): Promise<void>;
  acquireLock(prefix: string, holder: LockHolder, opts: AcquireLockOptions): Promise<Lock>;
  /** The apply lock's document, or null. */
  currentLock(prefix: string): Promise<LockDoc | null>;
  /** Delete the apply lock whoever holds it (`esm lock release --force`); the document removed, or null. */
  forceReleaseLock(prefix: string): Promise<LockDoc | null>;
  close(): Promise<void>;
}

export function connect(config: ConnectConfig, opts: ConnectOptions = {}): Cluster {
  const url = displayUrl(config.url);
  const secrets = secretsOf(config.url, config.auth);
  const timeoutMs = opts.requestTimeoutMs ?? config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const partial = opts.retry ?? {};
  const retry = retryPolicy({ ...partial, deadlineMs: partial.deadlineMs ?? (partial.tries ?? retryPolicy().tries) * timeoutMs });
  // Read now: a missing CA file is invalid input before anything is sent.
  const ca = config.caCert ? readCaCert(config.caCert) : null;
  const aws = config.aws ?? null;

  let opened: Promise<{ conn: Conn; client: EngineClient }> | undefined;
  let closed = false;
  let unreachable: ClusterError | null = null;
  const onGiveUp = (err: ClusterError) => {
    if (err.details.unreachable) unreachable ??= err;
  };
  const open = (): Promise<{ conn: Conn; client: EngineClient }> => {
    opened ??= (async () => {
      const engine = await chooseEngine(config.engine ?? 'auto', {
        url: config.url,
        shownUrl: url,
        auth: config.auth,
        ca,
        aws: aws !== null,
        timeoutMs,
        retry,
        secrets,
        onRequest: opts.onRequest,
        onGiveUp,
      });
      if (aws && !engine.signsAws) {
        throw new InvalidInputError(`AWS request signing (ESM_AWS_REGION) works with OpenSearch only, and the engine of ${url} is ${engine.label}`);
      }
      const client = await engine.open({ url: config.url, auth: config.auth, ca, aws, timeoutMs, onRequest: opts.onRequest });
      return { conn: makeConn(engine, client, url, retry, timeoutMs, secrets, onGiveUp), client };
    })();
    opened.catch(() => (opened = undefined));
    return opened;
  };
  const conn = async () => (await open()).conn;

  let facts: Promise<NodeFacts> | undefined;
  let clusterName: Promise<string> | undefined;
  let synonyms: Promise<SynonymsApi> | undefined;
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
  const nodeFacts = () => once(() => facts, (p) => (facts = p), async () => readNodeFacts(await conn()));
  const name = () => once(() => clusterName, (p) => (clusterName = p), async () => readClusterName(await conn()));
  /**
   * The write threads when the node facts were read on this connection (every command's
   * snapshot reads them), else null: a bulk write never waits for, or fails on, a read of its own.
   */
  const knownWriteThreads = async (): Promise<number | null> => (facts ? ((await facts.catch(() => undefined))?.writeThreads ?? null) : null);
  const withConcurrency = async <O extends { concurrency?: number }>(o: O): Promise<O> => ({ ...o, concurrency: o.concurrency ?? bulkConcurrencyFor(await knownWriteThreads()) });
  const on = <A extends unknown[], R>(fn: (c: Conn, ...args: A) => Promise<R>) => async (...args: A): Promise<R> => fn(await conn(), ...args);

  return {
    url,
    get unreachable() {
      return unreachable;
    },
    async info() {
      const [n, f, c] = await Promise.all([name(), nodeFacts(), conn()]);
      return { clusterName: n, version: f.version, engine: c.engine.name };
    },
    async capabilities() {
      return (await nodeFacts()).capabilities;
    },
    nodeFacts,
    snapshot: on((c, prefix: string, o?: { master?: string; also?: readonly string[] }) => readSnapshot(c, prefix, nodeFacts, o)),
    getIndex: on(getIndex),
    createIndex: on(createIndex),
    updateMeta: on(updateMeta),
    putSettings: on(putSettings),
    putMapping: on(putMapping),
    deleteIndices: on(deleteIndices),
    refresh: on(refresh),
    flush: on(flush),
    count: on(count),
    writeMark: on(writeMark),
    swapAlias: on(swapAlias),
    removeAlias: on(removeAlias),
    resolveNames: on(resolveNames),
    readIndexDetails: on(readIndexDetails),
    setWriteBlock: on(setWriteBlock),
    isWriteBlocked: on(isWriteBlocked),
    cloneIndex: on(cloneIndex),
    uuidOf: on(uuidOf),
    readMeta: on(readMeta),
    writeEsmMeta: on(writeEsmMeta),
    replaceIndexWithAlias: on(replaceIndexWithAlias),
    async *scan(index, o) {
      yield* scan(await conn(), index, o);
    },
    async *scanIds(index, o) {
      yield* scanIds(await conn(), index, o);
    },
    bulkWrite: on(async (c, o: BulkWriteOptions) => bulkWrite(c, await withConcurrency(o))),
    bulkWriteHits: on(async (c, o: BulkWriteHitsOptions) => bulkWriteHits(c, await withConcurrency(o))),
    reindex: on(async (c, o: Omit<ReindexOptions, 'capabilities'>) => runReindex(c, { ...o, capabilities: (await nodeFacts()).capabilities })),
    indexHealth: on(indexHealth),
    unassignedReason: on(unassignedReason),
    primaryTerms: on(primaryTerms),
    prepareForFill: on(prepareForFill),
    restoreAfterFill: on(restoreAfterFill),
    clear: on(async (c, index: string, o?: ClearOptions) => clearIndex(c, index, (await nodeFacts()).capabilities, o)),
    deleteDocs: on(deleteDocs),
    idsPresent: on(idsPresent),
    indexTemplates: on(readIndexTemplates),
    simulateIndex: on((c, name: string) => simulateIndex(c, name)),
    simulateTemplate: on((c, template: Record<string, unknown>) => simulateTemplate(c, template)),
    engineForm: on((c, name: string, spec: SpecBody) => engineForm(c, name, spec)),
    engineForms: async (wanted) => engineForms(await conn(), wanted),
    companions: on(readCompanions),
    synonymsApi: () => once(() => synonyms, (p) => (synonyms = p), async () => probeSynonymsApi(await conn(), await nodeFacts())),
    putCompanion: on(putCompanion),
    deleteCompanion: on(deleteCompanion),
    simulatePipeline: on(simulatePipeline),
    analyzeWithFilter: on(analyzeWithFilter),
    acquireLock: on(acquireLock),
    currentLock: on(currentLock),
    forceReleaseLock: on(forceReleaseLock),
    async close() {
      if (closed) return;
      closed = true;
      const o = opened;
      if (o) await o.then(({ client }) => client.close(), () => undefined);
    },
  };
}

function makeConn(engine: EngineDriver, client: EngineClient, url: string, retry: RetryPolicy, timeoutMs: number, secrets: string[], onGiveUp: (err: ClusterError) => void): Conn {
  const classify = (err: unknown) => (err instanceof AttemptTimedOut ? ({ kind: 'timeout' } as const) : client.classify(err));
  const context: Conn['context'] = (what, signal) => ({
    url,
    what,
    label: engine.label,
    timeoutMs,
    classify,
    secrets,
    onGiveUp,
    ...(signal ? { signal } : {}),
  });
  // Each attempt ends when the timeout is up, by esm's own timer (attempt-timeout.ts).
  const send: Conn['send'] = (req, o) => withinTimeout(timeoutMs, o?.signal, (signal) => client.send(req, { signal }));
  return {
    url,
    engine,
    retry,
    context,
    send,
    request: (what, req, o) => withRetry(() => send(req, o), retry, context(what, o?.signal)),
  };
}
