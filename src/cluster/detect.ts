/**
 * Which engine answers at a URL (SPEC §10): `GET /` before any other request, so
 * that no changing request ever reaches an engine esm would then refuse.
 * Elasticsearch says so in the `x-elastic-product` header of every answer (even the
 * 405 a node without the `rest-root` module gives); OpenSearch in
 * `version.distribution`. With AWS signing the engine is OpenSearch (Serverless has
 * no `GET /`). The probe is plain HTTP: no engine's client is loaded to ask.
 */
import http from 'node:http';
import { ClusterError } from '../errors.js';
import type { Auth } from './engine.js';
import { ENGINES } from './engines.js';
import type { EngineChoice, EngineDriver, Probe, RequestEvent } from './engine.js';
import { engineNamed } from './engines.js';
import { connectionFailure, esError, withRetry, type Failure, type RetryPolicy } from './retry.js';

export interface DetectOptions {
  url: string;
  /** The URL for messages (no credentials). */
  shownUrl: string;
  auth: Auth;
  ca: Buffer | null;
  aws: boolean;
  timeoutMs: number;
  retry: RetryPolicy;
  secrets: readonly string[];
  onRequest?: ((e: RequestEvent) => void) | undefined;
  signal?: AbortSignal | undefined;
  onGiveUp?: ((err: ClusterError) => void) | undefined;
}

/** The engine to use: the forced one, or the one that recognises the cluster's answer to `GET /`. */
export async function chooseEngine(choice: EngineChoice, opts: DetectOptions): Promise<EngineDriver> {
  if (choice !== 'auto') return engineNamed(choice);
  if (opts.aws) return ENGINES.find((e) => e.signsAws)!;
  const probe = await withRetry(() => probeRoot(opts), opts.retry, {
    url: opts.shownUrl,
    label: 'the cluster',
    what: 'finding out which engine answers (GET /)',
    timeoutMs: opts.timeoutMs,
    classify: classifyProbeError,
    secrets: opts.secrets,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onGiveUp ? { onGiveUp: opts.onGiveUp } : {}),
  });
  return recognize(probe, opts.shownUrl);
}

/** The engine that recognises this answer, or a ClusterError saying how to choose one (pure). */
export function recognize(probe: Probe, shownUrl: string): EngineDriver {
  const engine = ENGINES.find((e) => e.recognizes(probe));
  if (engine) return engine;
  const { type, reason } = esError(probe.body);
  const detail = [type, reason].filter(Boolean).join(': ');
  const names = ENGINES.map((e) => e.name).join(' or ');
  throw new ClusterError(
    `cannot tell which engine answers at ${shownUrl}: GET / answered ${probe.status}${detail ? ` (${detail})` : ''} without naming ${ENGINES.map((e) => e.label).join(' or ')}; ` +
      `set --engine ${names} (or ESM_ENGINE)`,
    { url: shownUrl, status: probe.status, ...(type ? { type } : {}) },
  );
}

class ProbeError extends Error {
  constructor(readonly failure: Failure) {
    super('probe failed');
  }
}

function classifyProbeError(err: unknown): Failure | null {
  return err instanceof ProbeError ? err.failure : null;
}

const RETRY_PROBE = new Set([429, 502, 503, 504]);

async function probeRoot(opts: DetectOptions): Promise<Probe> {
  const u = new URL(opts.url.replace(/\/*$/, '/'));
  const headers: Record<string, string> = { accept: 'application/json' };
  const auth = opts.auth;
  if (auth.kind === 'basic') headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  if (auth.kind === 'apiKey') headers.authorization = `ApiKey ${auth.apiKey}`;
  // TLS is loaded only for an https: URL (a tenth of the start-up of `esm plan` otherwise).
  const lib = u.protocol === 'https:' ? (await import('node:https')).default : http;
  opts.onRequest?.({ method: 'GET', path: '/' });
  return new Promise<Probe>((resolve, reject) => {
    // The whole answer within the timeout (the socket's own timeout only counts idle time).
    const timer = setTimeout(() => req.destroy(new ProbeError({ kind: 'timeout' })), opts.timeoutMs);
    const settle = <A>(fn: (a: A) => void) => (a: A) => {
      clearTimeout(timer);
      fn(a);
    };
    resolve = settle(resolve);
    reject = settle(reject);
    const req = lib.request(
      u,
      { method: 'GET', headers, timeout: opts.timeoutMs, ...(opts.ca ? { ca: opts.ca } : {}), ...(opts.signal ? { signal: opts.signal } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(new ProbeError(connectionFailure(e.message))));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // a plain-text answer (a proxy's error page…)
          }
          const probe = { status, headers: res.headers, body };
          if (RETRY_PROBE.has(status)) {
            const { type, reason } = esError(body);
            reject(new ProbeError({ kind: 'status', status, ...(type ? { type } : {}), ...(reason ? { reason } : {}), retryable: true }));
          } else resolve(probe);
        });
      },
    );
    req.on('timeout', () => req.destroy(new ProbeError({ kind: 'timeout' })));
    req.on('error', (e) => {
      if (e instanceof ProbeError) reject(e);
      else if (e.name === 'AbortError') reject(new ProbeError({ kind: 'aborted' }));
      else reject(new ProbeError(connectionFailure(`${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`)));
    });
    req.end();
  });
}
