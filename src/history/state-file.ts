/**
 * Reading a state file's bytes into a database, refusing anything that is not
 * an esm state file this esm understands. Nothing here writes: a refused file
 * is left exactly as it was.
 */
import { accessSync, constants, statSync } from 'node:fs';
import type { Database, SqlJsStatic } from 'sql.js';
import { StateError } from '../errors.js';
import { APP_MARKER } from './migrations.js';

const HEADER = 'SQLite format 3\0';
const MOVE_AWAY = 'Move it away or pass --state <another file>';

export interface LoadedState {
  db: Database;
  /** `esm_meta.schema_version` of the file (≤ the version this esm knows). */
  version: number;
}

/** Opens `bytes` (the content of `file`) as an esm state file of schema version ≤ `known`. */
export function loadStateBytes(SQL: SqlJsStatic, bytes: Uint8Array, file: string, known: number): LoadedState {
  checkHeader(bytes, file);
  let db: Database;
  try {
    db = new SQL.Database(bytes);
  } catch (e) {
    throw damaged(file, (e as Error).message);
  }
  try {
    const version = readVersion(db, file, known);
    return { db, version };
  } catch (e) {
    db.close();
    throw e;
  }
}

function checkHeader(bytes: Uint8Array, file: string): void {
  if (bytes.length === 0) {
    throw new StateError(`${file} is empty, not an esm state file; refusing to overwrite it. ${MOVE_AWAY}.`);
  }
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 100));
  if (head.subarray(0, 16).toString('latin1') !== HEADER) {
    throw new StateError(`${file} is not an esm state file (not a SQLite database); refusing to overwrite it. ${MOVE_AWAY}.`);
  }
  if (head.length < 100) throw damaged(file, `truncated: ${bytes.length} bytes, shorter than a SQLite header`);
  const raw = head.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  const pages = head.readUInt32BE(28);
  // The page count in the header is valid only when "version-valid-for" equals the change counter.
  const countValid = head.readUInt32BE(92) === head.readUInt32BE(24) && pages > 0;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) throw damaged(file, `invalid page size ${raw}`);
  if (countValid && bytes.length < pages * pageSize) {
    throw damaged(file, `truncated: ${bytes.length} bytes, the header says ${pages * pageSize}`);
  }
  if (bytes.length % pageSize !== 0) throw damaged(file, `truncated: ${bytes.length} bytes is not a whole number of ${pageSize}-byte pages`);
}

function readVersion(db: Database, file: string, known: number): number {
  let meta: Map<string, string>;
  try {
    const check = db.exec('PRAGMA quick_check');
    const verdict = check[0]?.values.map((r) => String(r[0])) ?? [];
    if (verdict.length !== 1 || verdict[0] !== 'ok') throw new Error(verdict.slice(0, 3).join('; ') || 'integrity check gave no answer');
    const hasMeta = db.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'esm_meta'`).length > 0;
    if (!hasMeta) {
      throw new StateError(`${file} is not an esm state file (no esm_meta table); refusing to overwrite it. ${MOVE_AWAY}.`);
    }
    meta = new Map((db.exec('SELECT key, value FROM esm_meta')[0]?.values ?? []).map((r) => [String(r[0]), String(r[1])]));
  } catch (e) {
    if (e instanceof StateError) throw e;
    throw damaged(file, (e as Error).message);
  }
  if (meta.get('app') !== APP_MARKER) {
    throw new StateError(`${file} is not an esm state file (its esm_meta table does not name esm); refusing to overwrite it. ${MOVE_AWAY}.`);
  }
  const text = meta.get('schema_version') ?? '';
  const version = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(version)) {
    throw damaged(file, `its schema_version is ${text ? JSON.stringify(text) : 'missing'}`);
  }
  if (version > known) {
    throw new StateError(
      `${file} was written by a newer esm (state schema version ${version}; this esm knows up to ${known}). ` +
        `Upgrade esm, or pass --state <another file>. The file was left unchanged.`,
    );
  }
  return version;
}

function damaged(file: string, why: string): StateError {
  return new StateError(
    `${file} is a damaged state file (${why}); esm will not overwrite it. ` +
      `Restore it from a backup, or move it away and run "esm state rebuild" to rebuild the state from the cluster.`,
  );
}

/**
 * Refuses a state file its user made read-only: esm replaces the file on every
 * write, which the directory's permissions would allow, so the file's own mode
 * is checked (root may write anything: the owner's write bit is what counts).
 */
export function assertWritable(file: string): void {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st) return;
  const mode = st.mode & 0o7777;
  let writable: boolean;
  if (process.getuid?.() === 0) {
    writable = (mode & 0o200) !== 0;
  } else {
    try {
      accessSync(file, constants.W_OK);
      writable = true;
    } catch {
      writable = false;
    }
  }
  if (!writable) {
    throw new StateError(
      `${file} is read-only (mode ${mode.toString(8).padStart(4, '0')}): esm will not replace it. ` +
        `Make it writable (chmod u+w ${file}) or pass --state <another file>.`,
    );
  }
}
