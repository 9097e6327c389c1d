/**
 * A local HTTP proxy in front of the test node that checks every request's AWS SigV4
 * signature on its own (written from the SigV4 specification, not with the signer under
 * test): canonical request, string to sign, signing key, signature; payload hash against
 * the body received. A request whose signature holds is forwarded (without its AWS
 * headers; the answer without Elasticsearch's product header, as an AWS OpenSearch domain
 * gives it); any other gets 403 and is recorded. It closes when the test (or, started
 * outside one, the file) is done.
 */
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeWhenDone } from './servers.js';

export interface SignedRequest {
  method: string;
  path: string;
  /** Access key id, date, region, service from the credential scope. */
  credential: { accessKeyId: string; date: string; region: string; service: string };
  signedHeaders: string[];
  bodyBytes: number;
}

export interface SigV4Proxy {
  url: string;
  /** Requests whose signature held. */
  readonly verified: SignedRequest[];
  /** Requests refused, with why. */
  readonly refused: Array<{ method: string; path: string; why: string }>;
  close(): Promise<void>;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
/** RFC 3986 encoding: only unreserved characters stay as they are. */
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Why the signature does not hold, or null when it does (pure). */
export function checkSignature(
  req: { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer },
  secretAccessKey: string,
): { why: string } | { ok: SignedRequest } {
  const auth = String(req.headers.authorization ?? '');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { why: `no SigV4 Authorization header (${auth ? 'malformed' : 'missing'})` };
  const [, accessKeyId, date, region, service, signedList, signature] = m as unknown as string[];
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(date!)) return { why: `x-amz-date ${amzDate} is not of the credential's date ${date}` };
  const payloadHash = sha256(req.body);
  const declared = req.headers['x-amz-content-sha256'];
  if (declared !== undefined && declared !== payloadHash) return { why: 'x-amz-content-sha256 does not match the body' };
  const signedHeaders = signedList!.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) return { why: 'host and x-amz-date must be signed' };

  const u = new URL(req.url, 'http://placeholder');
  // Every path segment encoded twice (all services but S3): the path as sent is the first
  // encoding, so each of its segments is encoded once more (`%20` → `%2520`, `*` → `%2A`).
  const wirePath = req.url.split('?')[0]!;
  const canonicalUri = wirePath
    .split('/')
    .map((seg) => rfc3986(seg))
    .join('/');
  const canonicalQuery = [...u.searchParams.entries()]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${String(req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [req.method, canonicalUri, canonicalQuery, canonicalHeaders, signedList, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date!), region!), service!), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  if (expected !== signature) return { why: 'signature does not match' };
  return { ok: { method: req.method, path: req.url, credential: { accessKeyId: accessKeyId!, date: date!, region: region!, service: service! }, signedHeaders, bodyBytes: req.body.length } };
}

export async function startSigV4Proxy(targetUrl: string, secretAccessKey: string): Promise<SigV4Proxy> {
  const target = new URL(targetUrl);
  const verified: SignedRequest[] = [];
  const refused: Array<{ method: string; path: string; why: string }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const method = req.method ?? '';
      const url = req.url ?? '/';
      const check = checkSignature({ method, url, headers: req.headers, body }, secretAccessKey);
      if ('why' in check) {
        refused.push({ method, path: url, why: check.why });
        const text = JSON.stringify({ error: { type: 'security_exception', reason: `SigV4: ${check.why}` }, status: 403 });
        res.writeHead(403, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      verified.push(check.ok);
      const headers: http.OutgoingHttpHeaders = { ...req.headers, host: target.host };
      for (const h of ['authorization', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token']) delete headers[h];
      const up = http.request({ host: target.hostname, port: target.port, method, path: url, headers }, (answer) => {
        // An AWS OpenSearch domain answers as OpenSearch, whichever test node stands behind this proxy.
        const { 'x-elastic-product': _product, ...answered } = answer.headers;
        res.writeHead(answer.statusCode ?? 502, answered);
        answer.pipe(res);
      });
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const close = closeWhenDone(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, verified, refused, close };
}
