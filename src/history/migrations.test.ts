import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { StateError } from '../errors.js';
import { MIGRATIONS, migrate, type Migration } from './migrations.js';
import { loadSqlJs } from './sql-js.js';
import { HistoryStore } from './store.js';
import { aStateFile, query } from '../../test/support/history-files.js';

/** The next schema version as a future esm could add it: a column and a backfill. */
const NEXT = MIGRATIONS.length + 1;
const next: Migration = {
  version: NEXT,
  description: 'actions.duration_ms',
  up(db) {
    db.exec(`ALTER TABLE actions ADD COLUMN duration_ms INTEGER; UPDATE actions SET duration_ms = 0;`);
  },
};

async function aCurrentFile(): Promise<{ file: string; id: number }> {
  const t = aStateFile();
  const store = await HistoryStore.open(t.file);
  store.upsertMaster({ name: 'movies', alias: 'movies', activeInstance: 'movies-1' });
  const id = store.startAction({ action: 'create', master: 'movies' });
  store.finishAction(id, { status: 'complete' });
  return { file: t.file, id };
}

describe('state schema migrations', () => {
  it('writes a new file at the latest version', async () => {
    const { file } = await aCurrentFile();
    expect(await query(file, `SELECT value FROM esm_meta WHERE key = 'schema_version'`)).toEqual([[String(MIGRATIONS.length)]]);
  });

  it('migrates an older file forward on open and keeps its data', async () => {
    const { file, id } = await aCurrentFile();
    const store = await HistoryStore.open(file, {}, { migrations: [...MIGRATIONS, next] });
    expect(store.listActions().map((a) => [a.id, a.status])).toEqual([[id, 'complete']]);
    expect(store.view().masters[0]?.activeInstance).toBe('movies-1');
    expect(await query(file, `SELECT value FROM esm_meta WHERE key = 'schema_version'`)).toEqual([[String(NEXT)]]);
    expect(await query(file, `SELECT id, duration_ms FROM actions`)).toEqual([[id, 0]]);
    // The upgraded file is refused by the older code, as a newer file should be.
    await expect(HistoryStore.open(file)).rejects.toThrow(`newer esm (state schema version ${NEXT}; this esm knows up to ${MIGRATIONS.length})`);
  });

  it('migrates in memory only when read-only', async () => {
    const { file, id } = await aCurrentFile();
    const bytes = await readFile(file);
    const store = await HistoryStore.open(file, { readOnly: true }, { migrations: [...MIGRATIONS, next] });
    expect(store.listActions().map((a) => a.id)).toEqual([id]);
    expect(await readFile(file)).toEqual(bytes);
  });

  it('rolls back a failing migration and leaves the file unchanged', async () => {
    const { file } = await aCurrentFile();
    const bytes = await readFile(file);
    const broken: Migration = { version: NEXT, description: 'broken', up: (db) => db.exec('ALTER TABLE actions ADD COLUMN x INTEGER; SELECT * FROM no_such_table;') };
    const opening = HistoryStore.open(file, {}, { migrations: [...MIGRATIONS, broken] });
    await expect(opening).rejects.toBeInstanceOf(StateError);
    await expect(opening).rejects.toThrow(new RegExp(`migrating the state to schema version ${NEXT} \\(broken\\) failed: no such table`));
    expect(await readFile(file)).toEqual(bytes);
  });

  it('runs each migration above the current version, in order, from an empty database', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    expect(migrate(db, 0, [...MIGRATIONS, next])).toEqual([...MIGRATIONS.map((m) => m.version), NEXT]);
    expect(migrate(db, NEXT, [...MIGRATIONS, next])).toEqual([]);
    expect(db.exec(`SELECT value FROM esm_meta WHERE key = 'schema_version'`)[0]?.values).toEqual([[String(NEXT)]]);
    db.close();
  });

  it('refuses a migration list with a gap', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    expect(() => migrate(db, 0, [...MIGRATIONS, { ...next, version: NEXT + 1 }])).toThrow(/numbered 1, 2, 3/);
    db.close();
  });
});
