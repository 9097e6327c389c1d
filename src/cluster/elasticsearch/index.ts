/** The Elasticsearch engine (8.x, 9.x): how it is recognised, its quirks, its dialect of the HTTP door (loaded on use). */
import type { EngineDriver } from '../engine.js';

export const elasticsearch: EngineDriver = {
  name: 'elasticsearch',
  label: 'Elasticsearch',
  quirks: {
    scan: 'point_in_time',
    templateObjectParams: 'request',
    addedSettings: {},
    pipelineMeta: true,
  },
  // Every answer carries the header, even the 405 a node without `rest-root` gives to `GET /`.
  recognizes: (probe) => headerValue(probe.headers['x-elastic-product']) === 'Elasticsearch',
  signsAws: false,
  open: async (config) => (await import('./dialect.js')).openElasticsearch(config),
};

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
