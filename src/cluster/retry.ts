/**
 * Bounded retries with backoff (SPEC §5, §9): a cluster that is down, slow or answers
 * 429/502/503/504 is retried, within a number of attempts and a total deadline, then
 * a ClusterError says how long it tried, how many attempts, and what it was doing.
 * Errors the engine means (400, 404, 409…) are not retried: they become a
 * ClusterError carrying the status and the engine's error type and reason.
 * No message ever carries credentials. Engine-neutral: each engine's classifier
 * (in its folder) turns its client's errors into a `Failure`.
 */
import { assertNever, ClusterError } from '../errors.js';
import { formatDuration } from '../config/duration.js';
import { redact } from '../redact.js';

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  tries: number;
  /** First backoff delay; doubled at every retry. */
  baseMs: number;
  /** Cap of one backoff delay. */
  maxMs: number;
  /**
   * Total time the attempts and their backoffs may take (ms): a retry starts only when
   * it can run its whole request timeout before then, so esm gives up within it.
   * A connection sets it to tries × the request timeout (SPEC §5).
   */
  deadlineMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { tries: 5, baseMs: 200, maxMs: 5_000 };

export function retryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const tries = partial.tries ?? DEFAULT_RETRY.tries;
  const policy: RetryPolicy = {
    tries: Number.isFinite(tries) && tries >= 1 ? Math.floor(tries) : 1,
    baseMs: Math.max(0, partial.baseMs ?? DEFAULT_RETRY.baseMs),
    maxMs: Math.max(0, partial.maxMs ?? DEFAULT_RETRY.maxMs),
  };
  if (partial.deadlineMs !== undefined && Number.isFinite(partial.deadlineMs)) policy.deadlineMs = Math.max(0, partial.deadlineMs);
  return policy;
}

/** Where a retried call goes and what it is doing, for the messages. */
export interface RetryContext {
  /** Cluster URL without credentials. */
  url: string;
  /** Who answers, for messages: `Elasticsearch`, `OpenSearch`, or `the cluster` before it is known. */
  label?: string;
  /** Timeout of one request, for the message of a request that timed out. */
  timeoutMs?: number;
  /** The engine's classifier of its client's errors; null = not a client error (passed through). */
  classify?: (err: unknown) => Failure | null;
  /** What the call does, as a gerund phrase: `creating index movies-2`. */
  what?: string;
  signal?: AbortSignal;
  /** Strings to scrub from any message (passwords, API keys). */
  secrets?: readonly string[];
  /** Told of every ClusterError a give-up throws (a connection remembers that its cluster could not be reached). */
  onGiveUp?: (err: ClusterError) => void;
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
  | { kind: 'status'; status: number; type?: string; reason?: string; rootCause?: string; retryable: boolean }
  | { kind: 'connection'; reason: string; retryable: boolean }
  /** No answer within the request timeout (retryable). */
  | { kind: 'timeout' }
  | { kind: 'aborted' }
  | { kind: 'other'; reason: string };

export const RETRYABLE_STATUS: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** A connection-level error message (any HTTP stack) as a failure (pure). */
export function connectionFailure(message: string): Failure {
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

/**
 * Elasticsearch's `{ error: { type, reason } }` body, or a plain-text one. `rootCause`: the
 * reason at the end of the `caused_by` chain, when there is one (what the
 * engine really objects to, e.g. a mapping refused inside a template).
 */
export function esError(body: unknown): { type?: string; reason?: string; rootCause?: string } {
  if (body && typeof body === 'object') {
    const e = (body as { error?: unknown }).error;
    if (e && typeof e === 'object') {
      const { type, reason, caused_by } = e as { type?: unknown; reason?: unknown; caused_by?: { reason?: unknown } };
      // "Failed to parse mapping: analyzer [x] has not been configured" already holds its cause's reason.
      const cause = typeof caused_by?.reason === 'string' && !(typeof reason === 'string' && reason.includes(caused_by.reason)) ? ` (${caused_by.reason})` : '';
      const root = deepestCause(e);
      return {
        type: typeof type === 'string' ? type : undefined,
        reason: typeof reason === 'string' ? reason + cause : undefined,
        ...(root !== undefined ? { rootCause: root } : {}),
      };
    }
    if (typeof e === 'string') return { reason: e };
    return {};
  }
  if (typeof body === 'string' && body.trim() !== '') return { reason: body.trim().slice(0, 300) };
  return {};
}

function deepestCause(e: object): string | undefined {
  let cur: unknown = (e as { caused_by?: unknown }).caused_by;
  let reason: string | undefined;
  for (let depth = 0; cur && typeof cur === 'object' && depth < 20; depth++) {
    const r = (cur as { reason?: unknown }).reason;
    if (typeof r === 'string') reason = r;
    cur = (cur as { caused_by?: unknown }).caused_by;
  }
  return reason;
}

/** What went wrong, as a phrase after which `while …` or nothing may follow (pure). */
function problem(f: Failure, ctx: RetryContext): string {
  const who = ctx.label ?? 'Elasticsearch';
  switch (f.kind) {
    case 'status': {
      const detail = [f.type, f.reason].filter(Boolean).join(': ');
      return `${who} at ${ctx.url} answered ${f.status}${detail ? ` (${detail})` : ''}`;
    }
    case 'connection':
      return `cannot reach ${who} at ${ctx.url} (${f.reason})`;
    case 'timeout':
      return `${who} at ${ctx.url} did not answer within ${ctx.timeoutMs !== undefined ? formatDuration(ctx.timeoutMs) : 'the request timeout'}`;
    case 'aborted':
      return `request to ${who} at ${ctx.url} was aborted`;
    case 'other':
      return `${who} at ${ctx.url}: ${f.reason}`;
    default:
      return assertNever(f, 'failure');
  }
}

/**
 * The ClusterError for a failure (pure). After several attempts it says that esm
 * gave up, after how many attempts and how long, and the bound it gives up within:
 * `gave up on writing documents to movies-2 after 4 attempts over 2m1s: Elasticsearch
 * at … did not answer within 30s; given up within the bound of 2m30s (5 × the 30s timeout)`.
 */
export function failureError(f: Failure, attempts: number, ctx: RetryContext, elapsedMs?: number, deadlineMs?: number): ClusterError {
  const what = problem(f, ctx);
  let message: string;
  if (attempts > 1) {
    const over = elapsedMs !== undefined ? ` over ${formatDuration(elapsedMs)}` : '';
    message = `gave up${ctx.what ? ` on ${ctx.what}` : ''} after ${attempts} attempts${over}: ${what}${boundWords(deadlineMs, ctx.timeoutMs)}`;
  } else if (f.kind === 'other' && ctx.what) {
    // The reason may end in advice ("use --engine …"): it comes last.
    message = `${ctx.label ?? 'Elasticsearch'} at ${ctx.url}, while ${ctx.what}: ${f.reason}`;
  } else {
    message = `${what}${ctx.what ? ` while ${ctx.what}` : ''}`;
  }
  const details: ClusterError['details'] =
    f.kind === 'status'
      ? {
          url: ctx.url,
          status: f.status,
          ...(f.type !== undefined ? { type: f.type } : {}),
          ...(f.rootCause !== undefined ? { rootCause: redact(f.rootCause, ctx.secrets ?? []) } : {}),
        }
      : { url: ctx.url, ...(isUnreachable(f) ? { unreachable: true } : {}) };
  return new ClusterError(redact(message, ctx.secrets ?? []), details);
}

/**
 * `; given up within the bound of 25s (5 × the 5s timeout)`: the bound esm gives up
 * within (pure). Last, after `; `, so that a one-line summary keeps what went wrong.
 */
function boundWords(deadlineMs: number | undefined, timeoutMs: number | undefined): string {
  if (deadlineMs === undefined) return '';
  const times = timeoutMs ? deadlineMs / timeoutMs : NaN;
  const of = Number.isInteger(times) && times > 0 ? ` (${times} × the ${formatDuration(timeoutMs!)} timeout)` : '';
  return `; given up within the bound of ${formatDuration(deadlineMs)}${of}`;
}

/**
 * The cluster could not be reached or did not answer in time — not: it answered an error,
 * or cut a connection a request had gone out on (its answer may have been lost).
 */
export function isUnreachable(f: Failure): boolean {
  if (f.kind === 'timeout') return true;
  return f.kind === 'connection' && ['connection refused', 'host not found', 'host unreachable', 'connection timed out', 'no living connections'].includes(f.reason);
}

/** True when `err` is a ClusterError for this HTTP status (e.g. 404 that the caller expects). */
export function isStatus(err: unknown, ...statuses: number[]): err is ClusterError {
  return err instanceof ClusterError && err.details.status !== undefined && statuses.includes(err.details.status);
}

/** Is this failure worth another attempt? */
export function isRetryable(f: Failure): boolean {
  return f.kind === 'timeout' || ((f.kind === 'status' || f.kind === 'connection') && f.retryable);
}

/**
 * Run `fn` (one request, or a few idempotent ones), retrying client errors that are
 * worth retrying, within the policy's attempts and deadline: a retry starts only when
 * its backoff and a whole request timeout still fit before the deadline, so an unanswering
 * cluster is given up on within it, never past. Errors that are not the client's
 * (including a ClusterError thrown by a nested call) pass through untouched. An abort
 * stops at once with the signal's reason.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy, ctx: RetryContext): Promise<T> {
  const started = Date.now();
  const classify = ctx.classify ?? (() => null);
  for (let attempt = 1; ; attempt++) {
    ctx.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      const f = classify(err);
      if (f === null) throw err;
      if (f.kind === 'aborted' && ctx.signal?.aborted) throw ctx.signal.reason;
      const delay = backoffDelay(attempt, policy);
      const fits = (wait: number) => policy.deadlineMs === undefined || Date.now() - started + wait + (ctx.timeoutMs ?? 0) <= policy.deadlineMs;
      const giveUp = () => {
        const error = failureError(f, attempt, ctx, Date.now() - started, policy.deadlineMs);
        ctx.onGiveUp?.(error);
        return error;
      };
      if (!isRetryable(f) || attempt >= policy.tries || !fits(delay)) throw giveUp();
      await sleep(delay, ctx.signal);
      // A busy machine can wake the backoff late: the retry must still fit its whole timeout.
      if (!fits(0)) throw giveUp();
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
