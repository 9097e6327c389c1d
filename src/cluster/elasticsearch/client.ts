/**
 * The Elasticsearch engine's client: `@elastic/elasticsearch` with its own retries
 * off (esm's `withRetry` retries instead), and its error classes mapped to
 * engine-neutral failures. This folder is the only place that imports that client.
 */
import { Client, errors, type ClientOptions } from '@elastic/elasticsearch';
import { assertNever } from '../../errors.js';
import { constructClient, transportParams } from '../client-setup.js';
import type { ClientConfig, EngineClient, HttpRequest } from '../engine.js';
import { classifierFor } from '../client-errors.js';

export async function openElasticsearch(config: ClientConfig): Promise<EngineClient> {
  const options: ClientOptions = { node: config.url, maxRetries: 0, requestTimeout: config.timeoutMs, name: 'esm' };
  const auth = config.auth;
  switch (auth.kind) {
    case 'none':
      break;
    case 'apiKey':
      options.auth = { apiKey: auth.apiKey };
      break;
    case 'basic':
      options.auth = { username: auth.username, password: auth.password };
      break;
    default:
      assertNever(auth, 'auth');
  }
  if (config.ca) options.tls = { ca: config.ca };
  const client = constructClient(config.url, () => new Client(options));
  const onRequest = config.onRequest;
  if (onRequest) {
    // One 'request' event per HTTP attempt; an error here means nothing was sent.
    client.diagnostic.on('request', (err, result) => {
      if (err || !result) return;
      const params = result.meta.request.params;
      onRequest({ method: params.method, path: params.path });
    });
  }
  return {
    async send<T>(req: HttpRequest, opts: { signal?: AbortSignal | undefined } = {}): Promise<T> {
      return (await client.transport.request(transportParams(req), { maxRetries: 0, ...(opts.signal ? { signal: opts.signal } : {}) })) as T;
    },
    classify: classifyElasticsearch,
    close: () => client.close(),
  };
}

/** Classify an error thrown by the Elasticsearch client (pure). Returns null for errors that are not the client's. */
export const classifyElasticsearch = classifierFor({
  ...errors,
  ClientError: errors.ElasticsearchClientError,
  special: (err) =>
    err instanceof errors.ProductNotSupportedError
      ? { kind: 'other', reason: 'the server did not identify itself as Elasticsearch (no x-elastic-product header); for OpenSearch use --engine opensearch' }
      : null,
});
