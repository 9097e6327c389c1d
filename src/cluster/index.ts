/** The engine port: the only module that talks to a search cluster (Elasticsearch, OpenSearch). */
export { connect, DEFAULT_TIMEOUT_MS, type Cluster, type ConnectConfig, type ConnectOptions } from './cluster.js';
export type { Conn } from './conn.js';
export type { AwsSigning, EngineChoice, EngineDriver, EngineName, EngineQuirks, HttpRequest, Probe, RequestEvent } from './engine.js';
export { ENGINES, ENGINE_NAMES, engineNamed } from './engines.js';
export { recognize } from './detect.js';
export {
  backoffDelay,
  DEFAULT_RETRY,
  esError,
  failureError,
  isRetryable,
  isStatus,
  retryPolicy,
  sleep,
  withRetry,
  type Failure,
  type RetryContext,
  type RetryPolicy,
} from './retry.js';
export { displayUrl, redact } from '../redact.js';
export { secretsOf } from './secrets.js';
export { compareVersions, parseNodeFacts, type Capabilities, type ClusterInfo, type NodeFacts } from './info.js';
export { buildSnapshot, indexSnapshot, prefixPattern, withoutAddedSettings, type RawSnapshot } from './snapshot.js';
export { parseMeta, withMeta } from './meta.js';
export { chunksByLength, type IndexSpec } from './indices.js';
export { swapActions } from './aliases.js';
export type { ScanHit, ScanOptions } from './scan.js';
export { neverWritten, type WriteMark } from './write-mark.js';
export { answerMayBeLost, confirmedWords, type Confirmed } from './confirm.js';
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
export type { AliasProperties, IndexDetails, ResolvedIndex, ResolvedNames } from './resolve.js';
export { layOver, priorityAbove, simpleMatch, winningTemplate } from './compose.js';
export { refusalReasons, type EngineForm, type IndexTemplateInfo, type Simulated, type SpecBody, type TemplateGiven } from './simulate.js';
export type { BulkResult, BulkItemError, BulkProgress, BulkWriteOptions, BulkWriteHitsOptions } from './bulk.js';
export { isReindexInto, reindexBody, reindexPath, reindexQuery, type ReindexOptions, type ReindexProgress, type ReindexResult, type ReindexTask } from './reindex.js';
export { runningProgress, type TaskProgress } from './tasks.js';
export type { CompanionObject, LiveCompanions, ReadCompanionsOptions, SimulatedDoc, SynonymsApi } from './companions.js';
export type { HealthStatus, IndexHealth } from './health.js';
