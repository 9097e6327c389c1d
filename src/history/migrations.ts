/**
 * The state file's schema, as an ordered list of migrations. A file records its
 * version in `esm_meta.schema_version`; opening an older file runs every
 * migration above that version, in order, each in its own transaction. To change
 * the schema, append `{ version: 2, … }`: never edit a migration that shipped.
 */
import { StateError } from '../errors.js';

/**
 * What a migration may do with the database: run SQL. A structural subset of
 * sql.js's Database, so that the published declarations need no sql.js types.
 */
export interface MigrationDb {
  exec(sql: string): unknown;
  run(sql: string, params?: (string | number | null)[]): unknown;
}

export interface Migration {
  version: number;
  description: string;
  up(db: MigrationDb): void;
}

/** The value of `esm_meta.app` that marks a file as esm's. */
export const APP_MARKER = 'esm';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'masters, instances, actions and esm_meta',
    up(db) {
      db.exec(`
        CREATE TABLE esm_meta (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
        CREATE TABLE masters (
          name            TEXT PRIMARY KEY,
          alias           TEXT NOT NULL,
          active_instance TEXT,
          updated_at      TEXT NOT NULL
        );
        CREATE TABLE instances (
          name           TEXT PRIMARY KEY,
          master         TEXT NOT NULL,
          number         INTEGER NOT NULL,
          fingerprint    TEXT NOT NULL,
          created_at     TEXT NOT NULL,
          "commit"       TEXT,
          filled_at      TEXT,
          last_update_at TEXT,
          dropped_at     TEXT
        );
        CREATE INDEX instances_by_master ON instances (master, number);
        CREATE TABLE actions (
          id            INTEGER PRIMARY KEY AUTOINCREMENT,
          action        TEXT NOT NULL,
          master        TEXT,
          instance      TEXT,
          status        TEXT NOT NULL,
          started_at    TEXT,
          ended_at      TEXT,
          docs_affected INTEGER,
          argv          TEXT NOT NULL DEFAULT '[]',
          "commit"      TEXT,
          actor         TEXT,
          plan_id       TEXT,
          error         TEXT,
          pid           INTEGER,
          host          TEXT
        );
        CREATE INDEX actions_by_master ON actions (master, id);
        CREATE INDEX actions_by_status ON actions (status);
      `);
      db.run(`INSERT INTO esm_meta (key, value) VALUES ('app', ?)`, [APP_MARKER]);
    },
  },
  {
    version: 2,
    description: 'actions.checkpoint: where a fill stood, to resume it',
    up(db) {
      db.exec('ALTER TABLE actions ADD COLUMN checkpoint TEXT;');
    },
  },
  {
    version: 3,
    description: 'actions: how an outcome was learnt (note), what a later run needs to check it (detail), when it was checked',
    up(db) {
      db.exec(`
        ALTER TABLE actions ADD COLUMN note TEXT;
        ALTER TABLE actions ADD COLUMN detail TEXT;
        ALTER TABLE actions ADD COLUMN checked_at TEXT;
      `);
    },
  },
];

export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.reduce((v, m) => Math.max(v, m.version), 0);
}

/**
 * Brings `db` from schema version `from` (0: an empty database) to the latest
 * version of `migrations`. Returns the versions applied. A failed migration is
 * rolled back and reported; versions before it stay applied.
 */
export function migrate(db: MigrationDb, from: number, migrations: readonly Migration[] = MIGRATIONS): number[] {
  checkOrder(migrations);
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= from) continue;
    db.exec('BEGIN');
    try {
      m.up(db);
      db.run(`INSERT INTO esm_meta (key, value) VALUES ('schema_version', ?)
              ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [String(m.version)]);
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw new StateError(`migrating the state to schema version ${m.version} (${m.description}) failed: ${(e as Error).message}`);
    }
    applied.push(m.version);
  }
  return applied;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`state migrations must be numbered 1, 2, 3…: found ${m.version} at position ${i + 1}`);
  });
}
