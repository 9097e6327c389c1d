// The engine port's boundary: only the engine folders may use a search client.
// Everything else talks to the cluster through src/cluster's engine-neutral interface,
// so adding an engine touches its folder and one registration, nothing else.
import { readFileSync } from 'node:fs';
import { globSync } from 'tinyglobby';
import { describe, expect, it } from 'vitest';

const ENGINE_DIRS = ['src/cluster/elasticsearch/', 'src/cluster/opensearch/'];
const CLIENT_PACKAGES = ['@elastic/elasticsearch', '@elastic/transport', '@opensearch-project/opensearch', 'elasticsearch'];

/** Every module specifier a file imports, re-exports, requires or imports dynamically, with its line. */
export function importsOf(text: string): { spec: string; line: number }[] {
  const found: { spec: string; line: number }[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
  for (const m of text.matchAll(re)) {
    found.push({ spec: m[1]!, line: text.slice(0, m.index).split('\n').length });
  }
  return found;
}

const isClientPackage = (spec: string) => CLIENT_PACKAGES.some((p) => spec === p || spec.startsWith(`${p}/`));

describe('engine boundary', () => {
  it('recognises every way of importing a client package (so the check below can fail)', () => {
    const sample = [
      "import { Client } from '@elastic/elasticsearch';",
      "import type { ApiResponse } from '@opensearch-project/opensearch/api/types';",
      "export * from '@elastic/transport';",
      "const os = await import('@opensearch-project/opensearch');",
      "const { Client: C } = require('@elastic/elasticsearch');",
      "import { Cluster } from './cluster.js';",
    ].join('\n');
    const hits = importsOf(sample).filter((i) => isClientPackage(i.spec));
    expect(hits.map((h) => h.line)).toEqual([1, 2, 3, 4, 5]);
  });

  it('no file under src/ outside the engine folders imports a search client package', () => {
    const files = globSync(['src/**/*.ts', 'src/**/*.tsx'], { ignore: ['src/**/*.test.ts', 'src/**/*.test.tsx'] });
    expect(files.length).toBeGreaterThan(20);
    const offenders: string[] = [];
    for (const file of files) {
      if (ENGINE_DIRS.some((d) => file.startsWith(d))) continue;
      for (const i of importsOf(readFileSync(file, 'utf8'))) {
        if (isClientPackage(i.spec)) offenders.push(`${file}:${i.line} imports ${i.spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
