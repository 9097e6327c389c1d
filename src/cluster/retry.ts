/**
 * Bounded retries with backoff (SPEC §9): a cluster that is down, slow or answers
 * 429/502/503/504 is retried a few times, then a ClusterError says clearly what
 * happened. Errors Elasticsearch means (400, 404, 409…) are not retried: they become
 * a ClusterError carrying the status and Elasticsearch's error type and reason.
 * No message ever carries credentials.
 */
import { errors } from '@elastic/elasticsearch';
import { assertNever, ClusterError } from '../errors.js';
import { redact } from '../redact.js';

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  tries: number;
  /** First backoff delay; doubled at every retry. */
  baseMs: number;
  /** Cap of one backoff delay. */
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { tries: 5, baseMs: 200, maxMs: 5_000 };

export function retryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const tries = partial.tries ?? DEFAULT_RETRY.tries;
  return {
    tries: Number.isFinite(tries) && tries >= 1 ? Math.floor(tries) : 1,
    baseMs: Math.max(0, partial.baseMs ?? DEFAULT_RETRY.baseMs),
    maxMs: Math.max(0, partial.maxMs ?? DEFAULT_RETRY.maxMs),
  };
}

/** Where a retried call goes and what it is doing, for the messages. */
export interface RetryContext {
  /** Cluster URL without credentials. */
  url: string;
  /** What the call does, as a gerund phrase: `creating index movies-2`. */
  what?: string;
  signal?: AbortSignal;
  /** Strings to scrub from any message (passwords, API keys). */
  secrets?: readonly string[];
}

/**
 * Delay before retry number `retry` (1 = the first retry): exponential, capped,
 * with "equal jitter" (half fixed, half random) so that clients do not retry in step.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const d = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(d / 2 + random() * (d / 2));
}

/** How an error from the client is handled. */
export type Failure =
  | { kind: 'status'; status: number; type?: string; reason?: string; retryable: boolean }
  | { kind: 'connection'; reason: string; retryable: boolean }
  | { kind: 'aborted' }
  | { kind: 'other'; reason: string };

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Classify an error thrown by the Elasticsearch client (pure). Returns null for errors that are not the client's. */
export function classify(err: unknown): Failure | null {
  if (err instanceof errors.ResponseError) {
    const status = err.meta?.statusCode ?? err.statusCode ?? 0;
    const { type, reason } = esError(err.meta?.body);
    return { kind: 'status', status, type, reason, retryable: RETRYABLE_STATUS.has(status) };
  }
  if (err instanceof errors.TimeoutError) return { kind: 'connection', reason: 'request timed out', retryable: true };
  if (err instanceof errors.NoLivingConnectionsError) return { kind: 'connection', reason: 'no living connections', retryable: true };
  if (err instanceof errors.ConnectionError) return connectionFailure(err.message);
  if (err instanceof errors.RequestAbortedError) return { kind: 'aborted' };
  if (err instanceof errors.ProductNotSupportedError) {
    return { kind: 'other', reason: 'the server did not identify itself as Elasticsearch (no x-elastic-product header)' };
  }
  if (err instanceof errors.ElasticsearchClientError) return { kind: 'other', reason: err.message };
  return null;
}

function connectionFailure(message: string): Failure {
  const m = message;
  if (/certificate|self[- ]signed|altnames|wrong version number|ssl|tls/i.test(m)) {
    return { kind: 'connection', reason: `TLS: ${tlsReason(m)}`, retryable: false };
  }
  const known: Array<[RegExp, string]> = [
    [/ECONNREFUSED/, 'connection refused'],
    [/ECONNRESET/, 'connection reset'],
    [/ENOTFOUND|EAI_AGAIN/, 'host not found'],
    [/EHOSTUNREACH|ENETUNREACH/, 'host unreachable'],
    [/ETIMEDOUT|ConnectTimeout|Connect Timeout/i, 'connection timed out'],
    [/other side closed|socket hang up|closed|EPIPE/i, 'connection closed by the server'],
  ];
  for (const [re, reason] of known) if (re.test(m)) return { kind: 'connection', reason, retryable: true };
  return { kind: 'connection', reason: m.replace(/ - Local:.*$/, ''), retryable: true };
}

function tlsReason(m: string): string {
  if (/wrong version number/i.test(m)) return 'handshake failed (does the server speak plain http?)';
  const openssl = /SSL routines:[^:]*:([^:]+):/.exec(m);
  return (openssl ? openssl[1]! : m.split('\n')[0]!).replace(/ - Local:.*$/, '').trim();
}

/** Elasticsearch's `{ error: { type, reason } }` body, or a plain-text one. */
export function esError(body: unknown): { type?: string; reason?: string } {
  if (body && typeof body === 'object') {
    const e = (body as { error?: unknown }).error;
    if (e && typeof e === 'object') {
      const { type, reason, caused_by } = e as { type?: unknown; reason?: unknown; caused_by?: { reason?: unknown } };
      // "Failed to parse mapping: analyzer [x] has not been configured" already holds its cause's reason.
      const cause = typeof caused_by?.reason === 'string' && !(typeof reason === 'string' && reason.includes(caused_by.reason)) ? ` (${caused_by.reason})` : '';
      return {
        type: typeof type === 'string' ? type : undefined,
        reason: typeof reason === 'string' ? reason + cause : undefined,
      };
    }
    if (typeof e === 'string') return { reason: e };
    return {};
  }
  if (typeof body === 'string' && body.trim() !== '') return { reason: body.trim().slice(0, 300) };
  return {};
}

/** The ClusterError for a failure after `attempts` attempts (pure). */
export function failureError(f: Failure, attempts: number, ctx: RetryContext): ClusterError {
  const after = attempts > 1 ? ` after ${attempts} attempts` : '';
  const what = ctx.what ? ` while ${ctx.what}` : '';
  let message: string;
  let details: { url: string; status?: number; type?: string } = { url: ctx.url };
  switch (f.kind) {
    case 'status': {
      const detail = [f.type, f.reason].filter(Boolean).join(': ');
      message = `Elasticsearch at ${ctx.url} answered ${f.status}${detail ? ` (${detail})` : ''}${after}${what}`;
      details = { url: ctx.url, status: f.status, type: f.type };
      break;
    }
    case 'connection':
      message = `cannot reach Elasticsearch at ${ctx.url} (${f.reason})${after}${what}`;
      break;
    case 'aborted':
      message = `request to Elasticsearch at ${ctx.url} was aborted${what}`;
      break;
    case 'other':
      message = `Elasticsearch at ${ctx.url}: ${f.reason}${what}`;
      break;
    default:
      return assertNever(f, 'failure');
  }
  return new ClusterError(redact(message, ctx.secrets ?? []), details);
}

/** True when `err` is a ClusterError for this HTTP status (e.g. 404 that the caller expects). */
export function isStatus(err: unknown, ...statuses: number[]): err is ClusterError {
  return err instanceof ClusterError && err.details.status !== undefined && statuses.includes(err.details.status);
}

/**
 * Run `fn` (one request, or a few idempotent ones), retrying client errors that are
 * worth retrying. Errors that are not the client's (including a ClusterError thrown
 * by a nested call) pass through untouched. An abort stops at once with the signal's reason.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy, ctx: RetryContext): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    ctx.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      const f = classify(err);
      if (f === null) throw err;
      if (f.kind === 'aborted' && ctx.signal?.aborted) throw ctx.signal.reason;
      const retryable = (f.kind === 'status' || f.kind === 'connection') && f.retryable;
      if (!retryable || attempt >= policy.tries) throw failureError(f, attempt, ctx);
      await sleep(backoffDelay(attempt, policy), ctx.signal);
    }
  }
}

/** Wait `ms`, rejecting with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
