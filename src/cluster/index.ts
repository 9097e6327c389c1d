/** The cluster adapter: the only module that talks to Elasticsearch. */
export { connect, type Cluster, type ConnectOptions } from './cluster.js';
export type { Conn } from './conn.js';
export { createClient, DEFAULT_REQUEST_TIMEOUT_MS, type RequestEvent } from './client.js';
export {
  backoffDelay,
  classify,
  DEFAULT_RETRY,
  esError,
  failureError,
  isStatus,
  retryPolicy,
  sleep,
  withRetry,
  type Failure,
  type RetryContext,
  type RetryPolicy,
} from './retry.js';
export { displayUrl, redact } from '../redact.js';
export { compareVersions, parseNodeFacts, type Capabilities, type ClusterInfo, type NodeFacts } from './info.js';
export { buildSnapshot, indexSnapshot, prefixPattern, type RawSnapshot } from './snapshot.js';
export { parseMeta, withMeta } from './meta.js';
export { chunksByLength, type IndexSpec } from './indices.js';
export { swapActions } from './aliases.js';
export { scan, type ScanHit, type ScanOptions } from './scan.js';
export { chooseClearPath, type ClearOptions, type ClearPath, type ClearProgress } from './clear.js';
export {
  decideTakeOver,
  heldMessage,
  LOCK_INDEX,
  LOCK_TTL_MS,
  lockId,
  type AcquireLockOptions,
  type Lock,
  type LockDoc,
  type LockHolder,
  type TakeOver,
} from './lock.js';
export type { ClusterSnapshot, IndexSnapshot, InstanceMeta } from './types.js';
export { bulkWrite, bulkWriteHits, prepareForFill, restoreAfterFill, type BulkResult, type BulkItemError, type BulkProgress } from './bulk.js';
export { runReindex, type ReindexResult } from './reindex.js';
