/**
 * The parts of an HTTP exchange that need no socket (pure): the request line and
 * headers esm sends, and what an answer's body is.
 */
import { assertNever } from '../../errors.js';
import type { Auth, HttpRequest } from '../engine.js';

/** The content types an engine is spoken to in. */
export interface ContentTypes {
  json: string;
  ndjson: string;
  /** The `accept` header of a request with a body (null: none). */
  acceptWithBody: string | null;
  /** The `accept` header of a request without one (null: none). */
  accept: string | null;
}

/** `path?query` under the URL's own path (a cluster behind a proxy at `/es/`), the undefined query values left out. */
export function requestTarget(basePath: string, req: Pick<HttpRequest, 'path' | 'querystring'>): string {
  const base = basePath.replace(/\/+$/, '');
  const query = Object.entries(req.querystring ?? {})
    .filter((e): e is [string, string | number | boolean] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${base}${req.path}${query ? `?${query}` : ''}`;
}

/** The `authorization` header of a connection, or undefined. */
export function authorization(auth: Auth): string | undefined {
  switch (auth.kind) {
    case 'none':
      return undefined;
    case 'apiKey':
      return `ApiKey ${auth.apiKey}`;
    case 'basic':
      return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    default:
      return assertNever(auth, 'auth');
  }
}

/** The body to send and the headers that describe it (a JSON body, an NDJSON one, or none). */
export function requestBody(req: Pick<HttpRequest, 'body' | 'bulkBody'>, types: ContentTypes): { payload: Buffer | null; headers: Record<string, string> } {
  if (req.body !== undefined) {
    const payload = Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body), 'utf8');
    return { payload, headers: withAccept({ 'content-type': typeof req.body === 'string' ? 'text/plain' : types.json, 'content-length': String(payload.length) }, types.acceptWithBody) };
  }
  if (req.bulkBody !== undefined && req.bulkBody !== '') {
    const payload = Buffer.from(req.bulkBody, 'utf8');
    return { payload, headers: withAccept({ 'content-type': types.ndjson, 'content-length': String(payload.length) }, types.acceptWithBody) };
  }
  return { payload: null, headers: withAccept({}, types.accept) };
}

function withAccept(headers: Record<string, string>, accept: string | null): Record<string, string> {
  return accept === null ? headers : { ...headers, accept };
}

/** Whether an answer's content type says its body is JSON. */
export function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /application\/(json|vnd\.(elasticsearch|opensearch)\+json)/.test(contentType);
}
