/**
 * esm's own HTTP door to a cluster: one keep-alive connection pool over `node:http` /
 * `node:https`, one attempt per `send` (esm's `withRetry` retries), and errors that
 * `classifyHttp` turns into engine-neutral failures. Both engines are spoken to through
 * it; each says in its `Dialect` which content types it takes and how an answer from
 * another engine is recognised.
 */
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { ClientConfig, EngineClient, HttpRequest } from '../engine.js';
import { constructClient } from '../client-setup.js';
import { classifyHttp, HttpAbortedError, HttpAnswerError, HttpConnectionError, HttpStatusError, HttpTimeoutError } from './errors.js';
import { authorization, isJson, requestBody, requestTarget, type ContentTypes } from './message.js';
import { packageVersion } from './version.js';

export interface Dialect {
  types: ContentTypes;
  /** Why a successful answer shows the server is not this engine, or null. */
  wrongEngine(status: number, headers: IncomingHttpHeaders): string | null;
}

export async function openHttp(config: ClientConfig, dialect: Dialect): Promise<EngineClient> {
  const url = constructClient(config.url, () => {
    const u = new URL(config.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`the protocol ${u.protocol} is neither http: nor https:`);
    return u;
  });
  // TLS is loaded only for an https: URL.
  const lib = url.protocol === 'https:' ? (await import('node:https')).default : http;
  const agent = new lib.Agent({ keepAlive: true, ...(config.ca ? { ca: config.ca } : {}) });
  const base: Record<string, string> = { 'user-agent': `esm/${packageVersion()}` };
  const auth = authorization(config.auth);
  if (auth) base.authorization = auth;

  const send = <T>(req: HttpRequest, signal: AbortSignal | undefined): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (signal?.aborted) return reject(new HttpAbortedError());
      const { payload, headers } = requestBody(req, dialect.types);
      let settled = false;
      const done = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const fail = (err: Error) => done(() => reject(err));
      const r = lib.request({
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port,
        method: req.method,
        path: requestTarget(url.pathname, req),
        headers: { ...base, ...headers },
        agent,
      });
      // The whole answer within the timeout (a socket's own timeout counts only idle time).
      const timer = setTimeout(() => {
        fail(new HttpTimeoutError(config.timeoutMs));
        r.destroy();
      }, config.timeoutMs);
      const onAbort = () => {
        fail(new HttpAbortedError());
        r.destroy();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      r.on('error', (e: NodeJS.ErrnoException) => fail(new HttpConnectionError(`${e.code ? `${e.code} ` : ''}${e.message}`)));
      r.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e: NodeJS.ErrnoException) => fail(new HttpConnectionError(`${e.code ? `${e.code} ` : ''}${e.message}`)));
        res.on('aborted', () => fail(new HttpConnectionError('ECONNRESET the connection closed before the whole answer')));
        res.on('end', () =>
          done(() => {
            try {
              resolve(answer<T>(req, res.statusCode ?? 0, res.headers, Buffer.concat(chunks), dialect));
            } catch (e) {
              reject(e);
            }
          }),
        );
      });
      config.onRequest?.({ method: req.method, path: req.path });
      r.end(payload ?? undefined);
    });

  return {
    send: (req, opts = {}) => send(req, opts.signal),
    classify: classifyHttp,
    close: async () => agent.destroy(),
  };
}

/** What `send` resolves with for a whole answer, or the error it is. */
function answer<T>(req: HttpRequest, status: number, headers: IncomingHttpHeaders, raw: Buffer, dialect: Dialect): T {
  const isHead = req.method === 'HEAD';
  const ok = status < 400 || (isHead && status === 404);
  if (ok) {
    const wrong = dialect.wrongEngine(status, headers);
    if (wrong) throw new HttpAnswerError(wrong);
  }
  const text = raw.toString('utf8');
  let body: unknown = text;
  if (!isHead && text !== '' && isJson(headers['content-type'])) {
    try {
      body = JSON.parse(text);
    } catch {
      if (ok) throw new HttpAnswerError(`the answer to ${req.method} ${req.path} is not the JSON its content type says`);
    }
  }
  if (!ok) throw new HttpStatusError(status, body);
  return (isHead ? status !== 404 : body) as T;
}
