/** What the operation modules need from a connection: the client, and retried calls. */
import type { Client } from '@elastic/elasticsearch';
import type { RetryPolicy } from './retry.js';

export interface Conn {
  /** The raw client, for code inside src/cluster (bulk, reindex). */
  readonly client: Client;
  /** Cluster URL without credentials. */
  readonly url: string;
  readonly retry: RetryPolicy;
  /**
   * Run `fn` with the connection's retry policy; client errors become ClusterError
   * naming the URL and `what` (a gerund phrase: `creating index movies-2`).
   */
  call<T>(what: string, fn: () => Promise<T>, opts?: { signal?: AbortSignal | undefined }): Promise<T>;
}
