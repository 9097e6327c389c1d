/**
 * What esm's own HTTP door throws, and how each becomes an engine-neutral failure (pure).
 * The kinds are those the engines' clients gave: an error answer (status and the engine's
 * `error` body), a timeout, a connection that failed (refused, reset, TLS…), an abort, and
 * an answer from another engine than the one chosen.
 */
import { connectionFailure, esError, RETRYABLE_STATUS, type Failure } from '../retry.js';

/** An answer with an error status (HEAD 404 excepted): its status and body (parsed JSON, or text). */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
    this.name = 'HttpStatusError';
  }
}

/** No whole answer within the request timeout. */
export class HttpTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'HttpTimeoutError';
  }
}

/** The connection failed: `message` starts with the system's code (`ECONNREFUSED connect …`) when there is one. */
export class HttpConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpConnectionError';
  }
}

/** The caller's signal aborted the request. */
export class HttpAbortedError extends Error {
  constructor() {
    super('the request was aborted');
    this.name = 'HttpAbortedError';
  }
}

/** An answer esm cannot use: another engine's, or a JSON content type whose body is not JSON. */
export class HttpAnswerError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'HttpAnswerError';
  }
}

/** The failure an error of the HTTP door stands for; null for any other error (pure). */
export function classifyHttp(err: unknown): Failure | null {
  if (err instanceof HttpStatusError) {
    const { type, reason, rootCause } = esError(err.body);
    return {
      kind: 'status',
      status: err.status,
      ...(type !== undefined ? { type } : {}),
      ...(reason !== undefined ? { reason } : {}),
      ...(rootCause !== undefined ? { rootCause } : {}),
      retryable: RETRYABLE_STATUS.has(err.status),
    };
  }
  if (err instanceof HttpTimeoutError) return { kind: 'timeout' };
  if (err instanceof HttpConnectionError) return connectionFailure(err.message);
  if (err instanceof HttpAbortedError) return { kind: 'aborted' };
  if (err instanceof HttpAnswerError) return { kind: 'other', reason: err.message };
  return null;
}
