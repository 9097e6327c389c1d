/**
 * The Elasticsearch client of one connection. The client's own retries are off
 * (maxRetries 0): `withRetry` retries instead, with backoff and clear messages.
 */
import { Client, type ClientOptions } from '@elastic/elasticsearch';
import { readFileSync } from 'node:fs';
import type { EsmConfig } from '../config/types.js';
import { assertNever, InvalidInputError } from '../errors.js';
import { displayUrl } from '../redact.js';

export interface RequestEvent {
  method: string;
  path: string;
}

export interface ClientSetup {
  client: Client;
  /** The URL for messages: no credentials. */
  url: string;
  /** Strings that must never appear in a message. */
  secrets: string[];
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export function createClient(
  config: Pick<EsmConfig, 'url' | 'auth' | 'caCert'>,
  opts: { onRequest?: (e: RequestEvent) => void; requestTimeoutMs?: number } = {},
): ClientSetup {
  const secrets: string[] = [];
  const options: ClientOptions = {
    node: config.url,
    maxRetries: 0,
    requestTimeout: opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    name: 'esm',
  };
  try {
    const u = new URL(config.url);
    if (u.password) secrets.push(u.password, decodeURIComponent(u.password));
  } catch {
    // an invalid URL is reported by the client below
  }
  const auth = config.auth;
  switch (auth.kind) {
    case 'none':
      break;
    case 'apiKey':
      options.auth = { apiKey: auth.apiKey };
      secrets.push(auth.apiKey);
      break;
    case 'basic':
      options.auth = { username: auth.username, password: auth.password };
      secrets.push(auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64'));
      break;
    default:
      assertNever(auth, 'auth');
  }
  if (config.caCert) {
    try {
      options.tls = { ca: readFileSync(config.caCert) };
    } catch (e) {
      throw new InvalidInputError(`cannot read the CA certificate ${config.caCert}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  let client: Client;
  try {
    client = new Client(options);
  } catch (e) {
    throw new InvalidInputError(`cannot use the cluster URL ${displayUrl(config.url)}: ${(e as Error).message}`);
  }
  const onRequest = opts.onRequest;
  if (onRequest) {
    // One 'request' event per HTTP attempt; an error here means nothing was sent.
    client.diagnostic.on('request', (err, result) => {
      if (err || !result) return;
      const params = result.meta.request.params;
      onRequest({ method: params.method, path: params.path });
    });
  }
  return { client, url: displayUrl(config.url), secrets: secrets.filter((s) => s !== '') };
}
