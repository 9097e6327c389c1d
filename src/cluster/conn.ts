/** What the operation modules of src/cluster need from a connection: engine-neutral requests, retried. */
import type { EngineDriver, HttpRequest } from './engine.js';
import type { RetryContext, RetryPolicy } from './retry.js';

export interface Conn {
  /** Cluster URL without credentials. */
  readonly url: string;
  /** The engine this connection talks to (chosen once, at connection time). */
  readonly engine: EngineDriver;
  readonly retry: RetryPolicy;
  /**
   * One request with the connection's retry policy; client errors become a ClusterError
   * naming the URL and `what` (a gerund phrase: `creating index movies-2`).
   */
  request<T = unknown>(what: string, req: HttpRequest, opts?: { signal?: AbortSignal | undefined }): Promise<T>;
  /** One attempt, not retried: for callers that retry in their own way (bulk re-sends only rejected items). */
  send<T = unknown>(req: HttpRequest, opts?: { signal?: AbortSignal | undefined }): Promise<T>;
  /** The context of this connection's messages and retries, for `withRetry` / `failureError`. */
  context(what: string, signal?: AbortSignal): RetryContext;
}

/** `/<index>` with the name encoded, and an optional rest (`/_mapping`). */
export function indexPath(index: string, rest = ''): string {
  return `/${encodeURIComponent(index)}${rest}`;
}
