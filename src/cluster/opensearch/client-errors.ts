/**
 * The classifier of a search client's error classes (ResponseError, TimeoutError,
 * ConnectionError…, the family the Elasticsearch and OpenSearch clients share): used for
 * the OpenSearch client, which esm loads only to sign requests with AWS SigV4. What only
 * that client throws is classified by the `special` hook first.
 */
import { connectionFailure, esError, RETRYABLE_STATUS, type Failure } from '../retry.js';

type ErrorClass = abstract new (...args: never[]) => Error;

export interface ClientErrorClasses {
  ResponseError: abstract new (...args: never[]) => Error & { meta?: { statusCode?: number | null; body?: unknown }; statusCode?: number };
  TimeoutError: ErrorClass;
  NoLivingConnectionsError: ErrorClass;
  ConnectionError: ErrorClass;
  RequestAbortedError: ErrorClass;
  /** The client's base error class: any other error of the client. */
  ClientError: ErrorClass;
  /** Errors only this client throws (checked first); null to fall through. */
  special?: (err: unknown) => Failure | null;
}

/** A classifier of one client's errors (pure); it returns null for errors that are not the client's. */
export function classifierFor(c: ClientErrorClasses): (err: unknown) => Failure | null {
  return (err) => {
    const special = c.special?.(err);
    if (special) return special;
    if (err instanceof c.ResponseError) {
      const status = err.meta?.statusCode ?? err.statusCode ?? 0;
      const { type, reason, rootCause } = esError(err.meta?.body);
      return {
        kind: 'status',
        status,
        ...(type !== undefined ? { type } : {}),
        ...(reason !== undefined ? { reason } : {}),
        ...(rootCause !== undefined ? { rootCause } : {}),
        retryable: RETRYABLE_STATUS.has(status),
      };
    }
    if (err instanceof c.TimeoutError) return { kind: 'timeout' };
    if (err instanceof c.NoLivingConnectionsError) return { kind: 'connection', reason: 'no living connections', retryable: true };
    if (err instanceof c.ConnectionError) return connectionFailure(err.message);
    if (err instanceof c.RequestAbortedError) return { kind: 'aborted' };
    if (err instanceof c.ClientError) return { kind: 'other', reason: err.message };
    return null;
  };
}
