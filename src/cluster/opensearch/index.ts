/** The OpenSearch engine (2.x, 3.x, AWS OpenSearch Service and Serverless): recognition, quirks, its dialect of the HTTP door or, signed for AWS, its client (loaded on use). */
import type { EngineDriver } from '../engine.js';

export const opensearch: EngineDriver = {
  name: 'opensearch',
  label: 'OpenSearch',
  quirks: {
    // 2.x has no `_shard_doc` tiebreaker for search_after on a point in time (3.3 added one).
    scan: 'scroll',
    // OpenSearch 2.x writes its replication type into every index's settings.
    templateObjectParams: 'merged',
    addedSettings: { 'replication.type': 'DOCUMENT' },
    // `PUT _ingest/pipeline` refuses `_meta` ("doesn't support one or more provided configuration parameters").
    pipelineMeta: false,
  },
  recognizes: (probe) => {
    const version = (probe.body as { version?: { distribution?: unknown } } | null)?.version;
    return probe.status < 300 && version?.distribution === 'opensearch';
  },
  signsAws: true,
  open: async (config) => (await import('./dialect.js')).openOpenSearch(config),
};
