/** SPEC §10: nothing outside an engine's folder imports a search client. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINES } from './engines.js';

const SRC = join(import.meta.dirname, '..');
const CLIENTS = /from\s+['"](@elastic\/elasticsearch|@opensearch-project\/opensearch)[^'"]*['"]|import\(\s*['"](@elastic\/elasticsearch|@opensearch-project\/opensearch)/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('the engine port', () => {
  it('keeps every search client inside its engine folder', () => {
    const engineFolders = ENGINES.map((e) => `cluster${sep}${e.name}${sep}`);
    const importing = files(SRC).filter((f) => CLIENTS.test(readFileSync(f, 'utf8')));
    const outside = importing.map((f) => relative(SRC, f)).filter((f) => !engineFolders.some((d) => f.startsWith(d)));
    expect(outside).toEqual([]);
    // The check itself sees the imports it is about.
    expect(importing.length).toBeGreaterThanOrEqual(ENGINES.length);
  });

  it('registers each engine once, each with its own folder', () => {
    const names = ENGINES.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(readdirSync(join(SRC, 'cluster', n))).toContain('index.ts');
  });
});
