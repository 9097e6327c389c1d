/**
 * OpenSearch with AWS SigV4 signing (OpenSearch Service, Serverless): the
 * `@opensearch-project/opensearch` client and its own signer, its retries off (esm's
 * `withRetry` retries instead), its error classes mapped to engine-neutral failures.
 * Loaded only when signing is configured; every other connection goes through esm's
 * own HTTP door (../http/). This folder is the only place that imports that client.
 */
import { Client, errors, type ClientOptions } from '@opensearch-project/opensearch';
import { assertNever } from '../../errors.js';
import { constructClient, transportParams } from '../client-setup.js';
import type { ClientConfig, EngineClient, HttpRequest } from '../engine.js';
import { classifierFor } from './client-errors.js';
import { NOT_OPENSEARCH } from './wrong-engine.js';

export async function openSignedOpenSearch(config: ClientConfig): Promise<EngineClient> {
  const options: ClientOptions = { node: config.url, maxRetries: 0, requestTimeout: config.timeoutMs, name: 'esm' };
  const auth = config.auth;
  switch (auth.kind) {
    case 'none':
      break;
    case 'apiKey':
      // OpenSearch has no API keys of its own; a proxy or plugin in front may take one.
      options.headers = { authorization: `ApiKey ${auth.apiKey}` };
      break;
    case 'basic':
      options.auth = { username: auth.username, password: auth.password };
      break;
    default:
      assertNever(auth, 'auth');
  }
  if (config.ca) options.ssl = { ca: config.ca };
  if (config.aws) {
    // The credential chain is imported by the signer on the first request.
    const { AwsSigv4Signer } = await import('@opensearch-project/opensearch/aws-v3');
    Object.assign(options, AwsSigv4Signer({ region: config.aws.region, service: config.aws.service }));
  }
  const client = constructClient(config.url, () => new Client(options));
  const onRequest = config.onRequest;
  if (onRequest) {
    client.on('request', (err: unknown, result: { meta?: { request?: { params?: { method: string; path: string } } } } | null) => {
      const params = result?.meta?.request?.params;
      if (err || !params) return;
      onRequest({ method: params.method, path: params.path });
    });
  }
  return {
    async send<T>(req: HttpRequest, opts: { signal?: AbortSignal | undefined } = {}): Promise<T> {
      const { signal } = opts;
      signal?.throwIfAborted();
      const pending = client.transport.request(transportParams(req), { maxRetries: 0 });
      // Not `() => pending.abort()`: abort() returns the request, a thenable, and an event listener
      // that returns a thenable has its rejection (this very abort) rethrown as uncaught.
      const onAbort = () => {
        pending.abort();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const res = await pending;
        // `--engine opensearch` against Elasticsearch: its answers say so (the OpenSearch client does not check).
        if (res.headers?.['x-elastic-product'] === 'Elasticsearch') throw new NotOpenSearchError();
        return (req.method === 'HEAD' ? res.statusCode !== null && res.statusCode < 300 : res.body) as T;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
    classify: classifyOpenSearch,
    close: () => client.close(),
  };
}

/** Classify an error thrown by the OpenSearch client (pure). Returns null for errors that are not the client's. */
export const classifyOpenSearch = classifierFor({
  ...errors,
  ClientError: errors.OpenSearchClientError,
  // The AWS signer's errors (no region, no credentials in the default chain).
  special: (err) =>
    err instanceof NotOpenSearchError
      ? { kind: 'other', reason: NOT_OPENSEARCH }
      : err instanceof Error && (err.name === 'AwsSigv4SignerError' || err.name === 'CredentialsProviderError')
        ? { kind: 'other', reason: `AWS signing: ${err.message}` }
        : null,
});

class NotOpenSearchError extends Error {
  constructor() {
    super('the server is Elasticsearch');
  }
}
