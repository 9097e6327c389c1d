/**
 * The engine port's lower half: what one search engine (Elasticsearch, OpenSearch…)
 * must provide so that the rest of src/cluster works on it. Each engine lives in its
 * own folder (`elasticsearch/`, `opensearch/`) with its dialect of esm's HTTP door
 * (`http/`), its quirks and how it is recognised, and is registered once in
 * `engines.ts`. Nothing outside those folders imports a search client (only AWS-signed
 * OpenSearch uses one).
 */
import type { ObjectParams } from './compose.js';
import type { Failure } from './retry.js';

/** How a connection authenticates (SPEC §5: API key, or basic auth; never printed). */
export type Auth =
  | { kind: 'none' }
  | { kind: 'apiKey'; apiKey: string }
  | { kind: 'basic'; username: string; password: string };

/** A registered engine's name (`elasticsearch`, `opensearch`): see engines.ts. */
export type EngineName = string;

/** Which engine to use: read from the cluster (`auto`), or forced. */
export type EngineChoice = EngineName | 'auto';

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';

/** One REST call, the same on every engine (both speak the same index, alias, bulk and task APIs). */
export interface HttpRequest {
  method: HttpMethod;
  /** Path with its parts already encoded, e.g. `/movies-2/_bulk`. */
  path: string;
  querystring?: Record<string, string | number | boolean | undefined>;
  /** A JSON body. */
  body?: unknown;
  /** An NDJSON body (bulk). */
  bulkBody?: string;
}

export interface RequestEvent {
  method: string;
  path: string;
}

/** AWS SigV4 request signing (OpenSearch Service `es`, Serverless `aoss`). */
export interface AwsSigning {
  region: string;
  service: 'es' | 'aoss';
}

/** What an engine's connection is built from (no secrets are ever printed from here). */
export interface ClientConfig {
  url: string;
  auth: Auth;
  /** The CA certificate to trust (PEM), already read. */
  ca: Buffer | null;
  aws: AwsSigning | null;
  /** Timeout of one HTTP request. */
  timeoutMs: number;
  onRequest?: ((e: RequestEvent) => void) | undefined;
}

/**
 * One engine's connection. `send` performs one HTTP attempt (no retries of its own)
 * and resolves with the response body; a HEAD resolves true / false. It rejects with
 * its own errors, which `classify` turns into engine-neutral failures.
 */
export interface EngineClient {
  send<T = unknown>(req: HttpRequest, opts?: { signal?: AbortSignal | undefined }): Promise<T>;
  classify(err: unknown): Failure | null;
  close(): Promise<void>;
}

/** The differences between engines, named in one place per engine. */
export interface EngineQuirks {
  /**
   * How a scan holds its frozen view: a point in time with `search_after` on the
   * `_shard_doc` tiebreaker, or a scroll (for an engine without that tiebreaker).
   */
  scan: 'point_in_time' | 'scroll';
  /**
   * Index settings the engine adds to every index with this value when the request
   * leaves them out (dotted, without `index.`). Read back with that value they are
   * dropped from the snapshot, so that they show neither as drift nor as a change.
   */
  addedSettings: Readonly<Record<string, string>>;
  /**
   * How index creation composes an object field that both a matching index template and
   * the request declare (their properties always merge): Elasticsearch keeps only the
   * request's parameters (`request`: a template's `dynamic: false` on it is gone),
   * OpenSearch both sides', the request's winning (`merged`). Measured on 8.19, 9.2, 2.19.
   */
  templateObjectParams: ObjectParams;
  /**
   * Whether an ingest pipeline takes a `_meta` object (Elasticsearch does; OpenSearch refuses
   * the key): where it does not, esm marks the pipelines it owns in their description.
   */
  pipelineMeta: boolean;
}

/** The first answer of a cluster, from which engines recognise themselves. */
export interface Probe {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** A registered engine. `open` loads its connection code only when that engine is used. */
export interface EngineDriver {
  name: EngineName;
  /** For messages: `Elasticsearch`, `OpenSearch`. */
  label: string;
  quirks: EngineQuirks;
  /** Is this the engine that answered the probe? */
  recognizes(probe: Probe): boolean;
  /** Does this engine support AWS SigV4 signing? */
  signsAws: boolean;
  open(config: ClientConfig): Promise<EngineClient>;
}
