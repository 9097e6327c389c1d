/** Helpers for the history tests: where a state file goes, and raw access to one. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SqlValue } from 'sql.js';
import { HistoryStore, type ActionRecord } from '../../src/history/index.js';
import { loadSqlJs } from '../../src/history/sql-js.js';
import { scratchDir } from './scratch.js';

/** A scratch directory (removed when the test is done) and where esm puts a state file in it, `.esm/state.sqlite` (not created). */
export function aStateFile(): { dir: string; file: string } {
  const dir = scratchDir('history');
  return { dir, file: path.join(dir, '.esm', 'state.sqlite') };
}

/** Runs SQL on a state file behind the store's back and writes it back. */
export async function rewrite(file: string, sql: string): Promise<void> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(await readFile(file));
  db.exec(sql);
  await writeFile(file, db.export());
  db.close();
}

/** Rows of a query on a state file. */
export async function query(file: string, sql: string): Promise<SqlValue[][]> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(await readFile(file));
  const rows = db.exec(sql)[0]?.values ?? [];
  db.close();
  return rows;
}

/** Another application's SQLite database. */
export async function foreignDatabase(): Promise<Uint8Array> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me');`);
  const bytes = db.export();
  db.close();
  return bytes;
}

/** The actions a state file records, oldest first, each as `show` writes it (`import movies-1 complete`). */
export async function journal(file: string, show: (a: ActionRecord) => string): Promise<string[]> {
  const store = await HistoryStore.open(file, { readOnly: true });
  try {
    return store.listActions().reverse().map(show);
  } finally {
    store.close();
  }
}
