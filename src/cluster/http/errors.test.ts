import { describe, expect, it } from 'vitest';
import { classifyHttp, HttpAbortedError, HttpAnswerError, HttpConnectionError, HttpStatusError, HttpTimeoutError } from './errors.js';

describe('classifyHttp', () => {
  it('an error answer: its status, the engine’s error type and reason, the deepest cause, retryable by status', () => {
    const body = { error: { type: 'mapper_parsing_exception', reason: 'Failed to parse mapping', caused_by: { type: 'x', reason: 'unknown analyzer [a]' } }, status: 400 };
    expect(classifyHttp(new HttpStatusError(400, body))).toEqual({
      kind: 'status',
      status: 400,
      type: 'mapper_parsing_exception',
      reason: 'Failed to parse mapping (unknown analyzer [a])',
      rootCause: 'unknown analyzer [a]',
      retryable: false,
    });
    expect(classifyHttp(new HttpStatusError(429, { error: { type: 'es_rejected_execution_exception', reason: 'queue full' } }))).toMatchObject({ status: 429, retryable: true });
    expect(classifyHttp(new HttpStatusError(503, 'Service Unavailable'))).toEqual({ kind: 'status', status: 503, reason: 'Service Unavailable', retryable: true });
    expect(classifyHttp(new HttpStatusError(404, ''))).toEqual({ kind: 'status', status: 404, retryable: false });
  });

  it('connections refused, reset or closed are retryable connection failures; a TLS failure is not', () => {
    expect(classifyHttp(new HttpConnectionError('ECONNREFUSED connect ECONNREFUSED 127.0.0.1:1'))).toEqual({ kind: 'connection', reason: 'connection refused', retryable: true });
    expect(classifyHttp(new HttpConnectionError('ECONNRESET socket hang up'))).toEqual({ kind: 'connection', reason: 'connection reset', retryable: true });
    expect(classifyHttp(new HttpConnectionError('ENOTFOUND getaddrinfo ENOTFOUND nowhere.invalid'))).toEqual({ kind: 'connection', reason: 'host not found', retryable: true });
    expect(classifyHttp(new HttpConnectionError('SELF_SIGNED_CERT_IN_CHAIN self-signed certificate in certificate chain'))).toMatchObject({ kind: 'connection', retryable: false });
  });

  it('a timeout, an abort, an answer from another engine', () => {
    expect(classifyHttp(new HttpTimeoutError(300))).toEqual({ kind: 'timeout' });
    expect(classifyHttp(new HttpAbortedError())).toEqual({ kind: 'aborted' });
    expect(classifyHttp(new HttpAnswerError('the server is not it'))).toEqual({ kind: 'other', reason: 'the server is not it' });
  });

  it('is null for errors that are not the door’s', () => {
    expect(classifyHttp(new Error('ECONNREFUSED'))).toBeNull();
    expect(classifyHttp('x')).toBeNull();
  });
});
