#!/usr/bin/env node
// The baseline loader: what one writes with the official client and no tool.
// Reads NDJSON line by line and feeds @elastic/elasticsearch's helpers.bulk with
// its defaults (flushBytes 5 MB), concurrency 2 as esm uses; then refreshes.
// Usage: node bench/helpers-bulk.mjs <url> <index> <file.ndjson>
// Prints one JSON line: { total, successful, failed, ms }.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Client } from '@elastic/elasticsearch';

const [url, index, file] = process.argv.slice(2);
const client = new Client({ node: url });
const t0 = performance.now();

async function* docs() {
  for await (const line of createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity })) {
    if (line) yield JSON.parse(line);
  }
}

const stats = await client.helpers.bulk({
  datasource: docs(),
  concurrency: 2,
  onDocument: (doc) => ({ index: { _index: index, _id: doc.id } }),
  onDrop: () => {},
});
await client.indices.refresh({ index });
await client.close();
console.log(JSON.stringify({ total: stats.total, successful: stats.successful, failed: stats.failed, ms: performance.now() - t0 }));
