/**
 * SPEC §13: a fill killed with SIGKILL resumes from its last checkpoint, for every
 * source that can (ndjson, sqlite, a module with orderedBy), and the instance ends
 * with exactly the source's documents — also those changed, deleted and added in the
 * source between the kill and the re-run. The built CLI is killed once the history
 * shows a checkpoint; the re-run must send fewer documents than a fill from zero
 * would (the instance's indexing count says how many it indexed).
 */
import path from 'node:path';
import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/history/index.js';
import { aliasTargets, countDocs, esm, OLD } from '../support/apply-fixtures.js';
import { killAtCheckpoint } from '../support/kill.js';
import { rawClient } from '../support/es.js';
import { ndjson, tempProject, type TempProject } from '../support/project.js';

interface Movie {
  id: string;
  title: string;
  updated_at: string;
}

const TOTAL = 40_000;
const id = (i: number) => `m-${String(i).padStart(6, '0')}`;
const movies = (n: number): Movie[] => Array.from({ length: n }, (_, i) => ({ id: id(i + 1), title: `Movie ${i + 1}`, updated_at: OLD }));

/** How a kind of source is declared, and how its data is written (again, after changes). */
interface SourceKit {
  kind: string;
  /** The manifest's `spec.source`. */
  source: Record<string, unknown>;
  write(p: TempProject, docs: readonly Movie[]): Promise<void>;
}

const kits: SourceKit[] = [
  {
    kind: 'ndjson',
    source: { type: 'ndjson', path: '../data/movies.ndjson' },
    write: async (p, docs) => void p.write('data/movies.ndjson', ndjson(docs)),
  },
  {
    kind: 'sqlite',
    source: { type: 'sqlite', path: '../data/movies.sqlite', query: 'SELECT id, title, updated_at FROM movies WHERE :since IS NULL OR updated_at > :since' },
    async write(p, docs) {
      const SQL = await initSqlJs();
      const db = new SQL.Database();
      // No primary key on id, rows in reverse: the fill orders them itself.
      db.run('CREATE TABLE movies (id TEXT, title TEXT, updated_at TEXT)');
      const insert = db.prepare('INSERT INTO movies VALUES (?, ?, ?)');
      for (const d of [...docs].reverse()) insert.run([d.id, d.title, d.updated_at]);
      insert.free();
      p.write('data/movies.sqlite', '');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(path.join(p.dir, 'data/movies.sqlite'), db.export());
      db.close();
    },
  },
  {
    kind: 'module',
    source: { type: 'module', path: '../data/movies.mjs' },
    async write(p, docs) {
      p.write('data/movies.json', JSON.stringify(docs));
      p.write(
        'data/movies.mjs',
        `import { readFileSync } from 'node:fs';
        const rows = () => JSON.parse(readFileSync(new URL('./movies.json', import.meta.url), 'utf8')).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        export const orderedBy = 'id';
        export default async function* ({ since, after, signal }) {
          for (const r of rows()) {
            if (signal.aborted) return;
            if (since !== null && !(r.updated_at > since)) continue;
            if (after !== undefined && after !== null && !(r.id > after)) continue;
            yield r;
          }
        }
        export function count({ since }) { return rows().filter((r) => since === null || r.updated_at > since).length; }
        export async function* ids() { for (const r of rows()) yield r.id; }
        `,
      );
    },
  },
];

function manifest(source: Record<string, unknown>): string {
  return JSON.stringify({
    apiVersion: 'esm/v1',
    kind: 'IndexMaster',
    metadata: { name: 'movies' },
    spec: {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: { dynamic: 'strict', properties: { id: { type: 'keyword' }, title: { type: 'text' }, updated_at: { type: 'date' } } },
      source,
      idField: 'id',
      updatedField: 'updated_at',
    },
  });
}

/** Documents the instance has indexed (each re-sent document counts again). */
async function indexedTotal(index: string): Promise<number> {
  const stats = (await rawClient().indices.stats({ index, metric: 'indexing' })) as { indices?: Record<string, { primaries?: { indexing?: { index_total?: number } } }> };
  return stats.indices?.[index]?.primaries?.indexing?.index_total ?? 0;
}

describe('a fill killed with SIGKILL resumes from its last checkpoint', () => {
  it.each(kits)('$kind: the re-run goes on from the checkpoint and ends with exactly the source, changes and deletions made meanwhile included', async (kit) => {
    const p = tempProject(`resume${kit.kind}`);
    p.manifest('movies', manifest(kit.source));
    const docs = movies(TOTAL);
    await kit.write(p, docs);
    const alias = `${p.prefix}movies`;
    const index = `${alias}-1`;

    const killed = await killAtCheckpoint(p, ['apply', '--auto-approve', '--batch-size', '500', '--concurrency', '1'], { index, minDocs: 5_000 });
    expect(await aliasTargets(alias)).toEqual([]);
    const store = await HistoryStore.open(p.statePath, { readOnly: true });
    const stopped = store.view().unfinishedFills?.[index];
    store.close();
    expect(stopped).toBeDefined();
    const at = stopped!.docs;
    expect(at).toBeGreaterThanOrEqual(killed.sawDocs);
    expect(at).toBeLessThan(TOTAL);
    // Every document before the checkpoint is in the instance.
    expect(await countDocs(index)).toBeGreaterThanOrEqual(at);

    // Meanwhile the source changes: one document before the checkpoint changes, one is deleted, one after it
    // is deleted, and one is added.
    const now = new Date().toISOString();
    const changed = { ...docs[99]!, title: 'Changed after the kill', updated_at: now };
    const next = docs.map((d) => (d.id === changed.id ? changed : d)).filter((d) => d.id !== id(50) && d.id !== id(TOTAL - 10));
    next.push({ id: id(TOTAL + 1), title: 'Added after the kill', updated_at: now });
    await kit.write(p, next);

    const plan = (await esm(p, ['plan', '--json'])).json();
    expect(plan.masters[0].steps[0]).toMatchObject({ op: 'fill', index, resume: { docs: at, total: TOTAL, startedAt: stopped!.startedAt } });
    expect(plan.masters[0].steps.map((s: { op: string }) => s.op)).toEqual(['fill', 'catch_up', 'prune', 'wait', 'activate']);
    const text = (await esm(p, ['plan'])).stdout;
    expect(text).toContain(`resume fill of ${index} from ${at.toLocaleString('en-US')} / ${TOTAL.toLocaleString('en-US')}`);

    const before = await indexedTotal(index);
    const run = await esm(p, ['apply', '--auto-approve'], 0, { env: { ESM_PROGRESS_INTERVAL_MS: '1000' } });
    // The total is the source's count now (one fewer than when the fill stopped).
    expect(run.stderr).toContain(`movies: resuming ${index} from ${at.toLocaleString('en-US')} / ${next.length.toLocaleString('en-US')} (after `);
    expect(await aliasTargets(alias)).toEqual([index]);
    // Exactly the source's documents.
    expect(await countDocs(alias)).toBe(next.length);
    const hit = (i: string) => rawClient().get<Movie>({ index: alias, id: i }, { ignore: [404] });
    expect((await hit(changed.id))._source?.title).toBe('Changed after the kill');
    expect((await hit(id(TOTAL + 1)))._source?.title).toBe('Added after the kill');
    expect((await hit(id(50))).found).toBe(false);
    expect((await hit(id(TOTAL - 10))).found).toBe(false);
    // The re-run sent what came after the checkpoint (and the catch-up), not the whole source again.
    const indexed = (await indexedTotal(index)) - before;
    expect(indexed).toBeLessThanOrEqual(TOTAL - at + 10);
    expect(indexed).toBeGreaterThanOrEqual(TOTAL - at - 10);

    expect((await esm(p, ['plan', '--json'])).json().masters[0].decision).toBe('noop');
  });
});

describe('stopping well: SIGINT and SIGTERM', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: says stopping… at once, ends at a safe point (exit %i), records where the fill stopped, and the next plan resumes from there', async (signal, exitCode) => {
    const p = tempProject('stop');
    p.manifest('movies', manifest(kits[0]!.source));
    await kits[0]!.write(p, movies(TOTAL));
    const alias = `${p.prefix}movies`;
    const index = `${alias}-1`;

    const stopped = await killAtCheckpoint(p, ['apply', '--auto-approve', '--batch-size', '500', '--concurrency', '1'], { index, minDocs: 2_000, signal });
    expect(stopped.code).toBe(exitCode);
    const lines = stopped.stderr.split('\n');
    const saidStopping = lines.findIndex((l) => l.startsWith(`esm: stopping… (${signal}): the requests in flight finish and each fill records where it stopped`));
    expect(saidStopping, stopped.stderr).toBeGreaterThan(-1);
    // Said before the fill's end was reported.
    expect(saidStopping).toBeLessThan(lines.findIndex((l) => l.includes('was interrupted at')));
    expect(stopped.stderr).toMatch(new RegExp(`\\nesm: interrupted: the apply stopped before finishing movies`));
    expect(await aliasTargets(alias)).toEqual([]);

    const store = await HistoryStore.open(p.statePath, { readOnly: true });
    const row = store.listActions().find((a) => a.action === 'update' && a.instance === index)!;
    const stoppedAt = store.view().unfinishedFills?.[index];
    store.close();
    expect(row.status).toBe('aborted');
    expect(stoppedAt?.docs).toBeGreaterThanOrEqual(stopped.sawDocs);
    const n = stoppedAt!.docs.toLocaleString('en-US');
    expect(row.error).toMatch(new RegExp(`^filling ${index} was interrupted at ${n} of ${TOTAL.toLocaleString('en-US')} documents \\(\\.\\./data/movies\\.ndjson byte [\\d,]+ \\(line ${n}\\)\\); nothing was activated, and the next run resumes from there$`));
    expect(row.docsAffected).toBe(stoppedAt!.docs);
    // Every document up to the checkpoint is there; the lock is released.
    expect(await countDocs(index)).toBeGreaterThanOrEqual(stoppedAt!.docs);

    const text = (await esm(p, ['plan'])).stdout;
    expect(text).toContain(`resume fill of ${index} from ${n} / ${TOTAL.toLocaleString('en-US')}`);
  });
});
