/** OpenSearch through esm's own HTTP door: the content types its client sent, and the check that the server is not Elasticsearch. */
import type { ClientConfig, EngineClient } from '../engine.js';
import { openHttp, type Dialect } from '../http/client.js';
import { NOT_OPENSEARCH } from './wrong-engine.js';

export const openSearchDialect: Dialect = {
  types: { json: 'application/json', ndjson: 'application/x-ndjson', acceptWithBody: null, accept: null },
  // `--engine opensearch` against Elasticsearch: its answers say so.
  wrongEngine: (_status, headers) => (headers['x-elastic-product'] === 'Elasticsearch' ? NOT_OPENSEARCH : null),
};

/** A connection to OpenSearch: the HTTP door, or the OpenSearch client when requests are signed for AWS (loaded only then). */
export async function openOpenSearch(config: ClientConfig): Promise<EngineClient> {
  if (config.aws) return (await import('./signed.js')).openSignedOpenSearch(config);
  return openHttp(config, openSearchDialect);
}
