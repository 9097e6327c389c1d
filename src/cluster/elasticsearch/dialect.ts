/** Elasticsearch through esm's own HTTP door: its content types, and its product check. */
import type { ClientConfig, EngineClient } from '../engine.js';
import { openHttp, type Dialect } from '../http/client.js';

export const elasticsearchDialect: Dialect = {
  // What the 8.x client sends: on a 9.x node, the 8.x REST compatibility.
  types: {
    json: 'application/vnd.elasticsearch+json; compatible-with=8',
    ndjson: 'application/vnd.elasticsearch+x-ndjson; compatible-with=8',
    acceptWithBody: 'application/vnd.elasticsearch+json; compatible-with=8',
    accept: 'application/vnd.elasticsearch+json; compatible-with=8,text/plain',
  },
  wrongEngine: (status, headers) =>
    status >= 200 && status < 300 && headers['x-elastic-product'] !== 'Elasticsearch'
      ? 'the server did not identify itself as Elasticsearch (no x-elastic-product header); for OpenSearch use --engine opensearch'
      : null,
};

export async function openElasticsearch(config: ClientConfig): Promise<EngineClient> {
  return openHttp(config, elasticsearchDialect);
}
