// Benchmark data, generated at run time under .cache/bench (never committed):
// N small movie documents as NDJSON (what esm and the helpers.bulk loader read),
// and the same documents in elasticdump's file format ({ _index, _id, _source }).
import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';

const GENRES = ['drama', 'comedy', 'action', 'horror', 'documentary', 'animation', 'thriller', 'romance'];

/** Deterministic document #i (about 150 bytes of JSON). */
export function movie(i) {
  const day = new Date(Date.UTC(2000, 0, 1) + (i % 9000) * 86_400_000).toISOString();
  return {
    id: `m-${i}`,
    title: `Movie number ${i} of the benchmark`,
    genre: GENRES[i % GENRES.length],
    year: 1950 + (i % 75),
    rating: (i % 100) / 10,
    updated_at: day,
  };
}

/** Mappings matching `movie()`, strict like a real esm manifest. */
export const MAPPINGS = {
  dynamic: 'strict',
  properties: {
    id: { type: 'keyword' },
    title: { type: 'text' },
    genre: { type: 'keyword' },
    year: { type: 'integer' },
    rating: { type: 'float' },
    updated_at: { type: 'date' },
  },
};

async function writeLines(file, n, line) {
  if (existsSync(file)) return { file, bytes: statSync(file).size, reused: true };
  const tmp = `${file}.tmp`;
  const out = createWriteStream(tmp, { highWaterMark: 1 << 20 });
  let chunk = '';
  for (let i = 1; i <= n; i++) {
    chunk += line(i);
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  renameSync(tmp, file);
  return { file, bytes: statSync(file).size, reused: false };
}

/** `<dir>/movies-<n>.ndjson`, created once and reused. */
export function ensureNdjson(dir, n) {
  return writeLines(join(dir, `movies-${n}.ndjson`), n, (i) => `${JSON.stringify(movie(i))}\n`);
}

/** The same documents for `elasticdump --input=<file>`. */
export function ensureElasticdumpFile(dir, n, index) {
  return writeLines(join(dir, `movies-${n}.elasticdump.json`), n, (i) => {
    const doc = movie(i);
    return `${JSON.stringify({ _index: index, _id: doc.id, _source: doc })}\n`;
  });
}
