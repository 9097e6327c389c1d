/**
 * The history store (SPEC §8): masters, instances and the journal of index
 * actions, in one SQLite file through sql.js.
 *
 * sql.js holds the database in memory; every write method changes it and at
 * once writes the whole file atomically (temporary file, fsync, rename). A
 * missing file is an empty store, created on the first write only, so
 * read-only commands never create it. A file that is not an esm state file, is
 * damaged, or comes from a newer esm is refused and never overwritten.
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { hostname } from 'node:os';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import { StateError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { latestVersion, migrate, MIGRATIONS, type Migration } from './migrations.js';
import { redactArgv, redactText } from '../redact.js';
import { pidAlive } from '../pid-alive.js';
import { loadSqlJs } from './sql-js.js';
import { stateHashOf } from './state-hash.js';
import { assertWritable, loadStateBytes } from './state-file.js';
import type {
  ActionDetail,
  ActionName,
  ActionOutcome,
  ActionRecord,
  ActionStatus,
  FillCheckpoint,
  HistoryView,
  InstanceInput,
  InstanceRecord,
  LastFill,
  MasterInput,
  UnfinishedFill,
  MasterRecord,
  NewAction,
  Settlement,
  StateData,
} from './types.js';

export interface OpenOptions {
  /** Never write the file (plan, list, history): write methods throw. */
  readOnly?: boolean;
  /** Clock for every recorded time. */
  now?: () => Date;
}

/** Internals replaceable in tests: the schema's migrations and the file writer. */
export interface StoreInternals {
  migrations?: readonly Migration[];
  write?: (file: string, bytes: Uint8Array) => void;
}

type Row = Record<string, SqlValue>;
/** What identifies the file we loaded or last wrote, to notice it was replaced. */
type FileIdentity = Pick<Stats, 'ino' | 'size' | 'mtimeMs'>;

export class HistoryStore {
  private db: Database;
  /** The database as last read or written: restored when a write fails. */
  private persisted: Uint8Array;
  /** The file as we last read or wrote it, to notice that something else replaced it. */
  private identity: FileIdentity | null;
  private readonly pid = process.pid;
  private readonly host = hostname();

  private constructor(
    /** The state file. */
    readonly path: string,
    /** The file existed when the store was opened. */
    readonly exists: boolean,
    readonly readOnly: boolean,
    private readonly now: () => Date,
    private readonly SQL: SqlJsStatic,
    db: Database,
    identity: FileIdentity | null,
    private readonly known: number,
    private readonly write: (file: string, bytes: Uint8Array) => void,
  ) {
    this.db = db;
    this.persisted = db.export();
    this.identity = identity;
  }

  /**
   * Opens the state file at `path`. Missing: an empty store, the file is created
   * by the first write. Refused with a StateError (file untouched): not SQLite,
   * damaged, another application's database, or a newer schema version. An
   * older schema is migrated (and written back unless read-only). Actions left
   * `in_progress`/`queued` by a process of this host that no longer runs become
   * `aborted`. `internals` is for tests: fake migrations, failing writers.
   */
  static async open(path: string, opts: OpenOptions = {}, internals: StoreInternals = {}): Promise<HistoryStore> {
    const SQL = await loadSqlJs();
    const migrations = internals.migrations ?? MIGRATIONS;
    const known = latestVersion(migrations);
    const readOnly = opts.readOnly ?? false;

    const bytes = readState(path);
    let db: Database;
    let from = 0;
    let identity: FileIdentity | null = null;
    if (bytes) {
      if (!readOnly) assertWritable(path);
      identity = identityOf(path);
      ({ db, version: from } = loadStateBytes(SQL, bytes, path, known));
    } else {
      db = new SQL.Database();
    }
    const migrated = migrate(db, from, migrations).length > 0;
    const store = new HistoryStore(path, bytes !== null, readOnly, opts.now ?? (() => new Date()), SQL, db, identity, known, internals.write ?? writeFileAtomic);
    const aborted = store.abortDeadRuns();
    // A missing file stays missing until the first real write; an existing one is brought up to date at once.
    if (!readOnly && bytes && (migrated || aborted > 0)) store.persist();
    return store;
  }

  // ---- actions ----------------------------------------------------------

  /** Records an action that starts now (or at `startedAt`, the time the work counts from); returns its id. */
  startAction(a: NewAction, startedAt?: string): number {
    return this.insertAction(a, 'in_progress', startedAt);
  }

  /** Records an action that will run later in this process (an apply's plan); returns its id. */
  queueAction(a: NewAction): number {
    return this.insertAction(a, 'queued');
  }

  /** A queued action starts now (or at `startedAt`); `detail` replaces the one it was queued with. */
  markInProgress(id: number, startedAt?: string, detail?: ActionDetail): void {
    this.mutate(() =>
      this.requireAction(
        id,
        this.run(`UPDATE actions SET status = 'in_progress', started_at = ?, pid = ?, host = ?, detail = COALESCE(?, detail) WHERE id = ?`, [
          startedAt ?? this.stamp(),
          this.pid,
          this.host,
          detail ? JSON.stringify(detail) : null,
          id,
        ]),
      ),
    );
  }

  finishAction(id: number, outcome: ActionOutcome): void {
    this.mutate(() => {
      const changed = this.run(
        `UPDATE actions SET status = ?, ended_at = ?, docs_affected = COALESCE(?, docs_affected), error = COALESCE(?, error), note = COALESCE(?, note) WHERE id = ?`,
        [
          outcome.status,
          this.stamp(),
          outcome.docsAffected ?? null,
          outcome.error === undefined ? null : redactText(outcome.error),
          outcome.note === undefined ? null : redactText(outcome.note),
          id,
        ],
      );
      return this.requireAction(id, changed);
    });
  }

  /**
   * A running fill's progress: where it stands (every document before the position is
   * in the instance) and how many documents that is. Written at a bounded interval.
   */
  saveCheckpoint(id: number, checkpoint: FillCheckpoint): void {
    this.mutate(() => this.requireAction(id, this.run('UPDATE actions SET checkpoint = ?, docs_affected = ? WHERE id = ?', [JSON.stringify(checkpoint), checkpoint.docs, id])));
  }

  /** What a later run needs to check a running action (reconcile.ts), written before the call it covers. */
  saveDetail(id: number, detail: ActionDetail): void {
    this.mutate(() => this.requireAction(id, this.run('UPDATE actions SET detail = ? WHERE id = ?', [JSON.stringify(detail), id])));
  }

  /** The fill's checkpoints are of no use any more (a reindex task that was cancelled): a later run starts again. */
  clearCheckpoint(id: number): void {
    this.mutate(() => this.requireAction(id, this.run('UPDATE actions SET checkpoint = NULL WHERE id = ?', [id])));
  }

  /**
   * A run that failed before its first action (`plan`, `lock`): one row, `failed`
   * at once, with the error (SPEC §8). Returns its id.
   */
  recordFailure(a: NewAction, error: string): number {
    const id = this.insertAction(a, 'in_progress');
    this.finishAction(id, { status: 'failed', error });
    return id;
  }

  /**
   * Actions a later run should compare with the cluster: `failed`, `aborted` or
   * `abandoned`, and not compared yet. `superseded`: a later action of the same
   * kind on the same target exists (what the cluster shows may be its effect).
   */
  unsettledActions(): Array<ActionRecord & { superseded: boolean }> {
    return this.all(
      `SELECT a.*, EXISTS (SELECT 1 FROM actions b WHERE b.id > a.id AND b.action = a.action AND b.master IS a.master AND b.instance IS a.instance) AS superseded
       FROM actions a WHERE a.status IN ('failed', 'aborted', 'abandoned') AND a.checked_at IS NULL ORDER BY a.id`,
    ).map((r) => ({ ...toAction(r), superseded: Number(r.superseded) === 1 }));
  }

  /** A later run's verdict on an unsettled action (reconciliation): its status, how it was learnt, the cluster's count. */
  settle(id: number, verdict: Settlement): void {
    this.mutate(() =>
      this.requireAction(
        id,
        this.run(
          `UPDATE actions SET status = ?, note = ?, docs_affected = COALESCE(?, docs_affected), error = CASE WHEN ? THEN NULL ELSE error END,
             ended_at = COALESCE(ended_at, ?), checked_at = ? WHERE id = ?`,
          [verdict.status, redactText(verdict.note), verdict.docsAffected ?? null, verdict.clearError ? 1 : 0, this.stamp(), this.stamp(), id],
        ),
      ),
    );
  }

  /** These unsettled actions were compared with the cluster, which showed nothing to change: not compared again. */
  markChecked(ids: readonly number[]): void {
    if (ids.length === 0) return;
    this.mutate(() => this.run(`UPDATE actions SET checked_at = ? WHERE id IN (${ids.map(() => '?').join(', ')})`, [this.stamp(), ...ids]) > 0);
  }

  /**
   * The run of process `pid` on `host` is gone (its apply lock was taken over):
   * its `in_progress` actions become `aborted`, its `queued` ones `abandoned`,
   * saying why. Returns how many.
   */
  abandonRun(host: string, pid: number, why: string): number {
    let n = 0;
    this.mutate(() => {
      n = this.endRun(host, pid, why);
      return n > 0;
    });
    return n;
  }

  /** Actions, newest first; `master` keeps that master's, `limit` the newest N. */
  listActions(opts: { master?: string; limit?: number } = {}): ActionRecord[] {
    const where = opts.master !== undefined ? 'WHERE master = ?' : '';
    const params: SqlValue[] = opts.master !== undefined ? [opts.master] : [];
    const limit = opts.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(opts.limit))}` : '';
    return this.all(`SELECT * FROM actions ${where} ORDER BY id DESC ${limit}`, params).map(toAction);
  }

  // ---- masters and instances ---------------------------------------------

  upsertMaster(m: MasterInput): void {
    this.mutate(() => {
      this.writeMaster(m);
      return true;
    });
  }

  /** Points `master` at `instance` (null: no active instance). False when the master is not recorded. */
  setActive(master: string, instance: string | null): boolean {
    return this.mutate(() => this.run('UPDATE masters SET active_instance = ?, updated_at = ? WHERE name = ?', [instance, this.stamp(), master]) > 0);
  }

  upsertInstance(rec: InstanceInput): void {
    this.mutate(() => {
      this.writeInstance(rec, undefined);
      return true;
    });
  }

  /** A full fill completed at `at`: it is also the instance's latest update. False when not recorded. */
  markFilled(instance: string, at: string | Date): boolean {
    const t = iso(at);
    return this.mutate(() => this.run('UPDATE instances SET filled_at = ?, last_update_at = ? WHERE name = ?', [t, t, instance]) > 0);
  }

  /** An update (incremental or full) completed at `at`. False when the instance is not recorded. */
  markUpdated(instance: string, at: string | Date): boolean {
    return this.mutate(() => this.run('UPDATE instances SET last_update_at = ? WHERE name = ?', [iso(at), instance]) > 0);
  }

  /** The instance's index was deleted at `at`; its number stays used. False when not recorded. */
  markDropped(instance: string, at: string | Date): boolean {
    return this.mutate(() => {
      if (this.run('UPDATE instances SET dropped_at = ? WHERE name = ?', [iso(at), instance]) === 0) return false;
      this.run('UPDATE masters SET active_instance = NULL, updated_at = ? WHERE active_instance = ?', [this.stamp(), instance]);
      return true;
    });
  }

  /** `esm state rebuild`: masters and instances become `data`; the journal of actions is kept. */
  replaceAll(data: StateData): void {
    this.mutate(() => {
      this.db.run('DELETE FROM masters');
      this.db.run('DELETE FROM instances');
      for (const m of data.masters) this.writeMaster(m);
      for (const i of data.instances) this.writeInstance(i, i.droppedAt ?? (i.dropped ? this.stamp() : null));
      return true;
    });
  }

  /** Masters and instances as plain data, for the planner. */
  view(): HistoryView {
    const masters = this.all('SELECT * FROM masters ORDER BY name').map(toMaster);
    const instances = this.all('SELECT * FROM instances ORDER BY master, number, name').map(toInstance);
    const maxNumber: Record<string, number> = {};
    const bump = (name: string) => {
      const m = /^(.+)-(\d+)$/.exec(name);
      if (m && Number(m[2]) > (maxNumber[m[1]!] ?? 0)) maxNumber[m[1]!] = Number(m[2]);
    };
    // An instance is recorded once its index exists.
    for (const i of instances) bump(i.name);
    // Instances named by a completed action count too (`state rebuild` forgets dropped instances, their
    // numbers stay used); a failed or aborted create made no index, so its number is still free.
    for (const r of this.all("SELECT DISTINCT master, instance FROM actions WHERE master IS NOT NULL AND instance IS NOT NULL AND status = 'complete'")) {
      const instance = String(r.instance);
      const n = /-(\d+)$/.exec(instance)?.[1];
      if (n && instance.endsWith(`${String(r.master)}-${n}`)) bump(instance);
    }
    return { masters, instances, maxNumber, fillRates: this.fillRates(), lastFills: this.lastFills(), unfinishedFills: this.unfinishedFills(), companions: this.ownedCompanions() };
  }

  /**
   * Per instance, the newest checkpoint of a full fill (`update`) that did not complete:
   * none once a later fill of it completed, or it was cleared after the checkpoint. A
   * later attempt that stopped before its first checkpoint leaves the earlier one in force.
   */
  private unfinishedFills(): Record<string, UnfinishedFill> {
    const fills: Record<string, UnfinishedFill> = {};
    const decided = new Set<string>();
    const rows = this.all(
      `SELECT action, instance, status, checkpoint FROM actions WHERE instance IS NOT NULL AND action IN ('update', 'clear') ORDER BY id DESC`,
    );
    for (const r of rows) {
      const instance = String(r.instance);
      if (decided.has(instance)) continue;
      const status = String(r.status) as ActionStatus;
      if (r.action === 'clear') {
        if (status === 'complete') decided.add(instance);
        continue;
      }
      if (status === 'complete') {
        decided.add(instance);
        continue;
      }
      const checkpoint = parseCheckpoint(r.checkpoint);
      if (!checkpoint) continue;
      decided.add(instance);
      fills[instance] = { ...checkpoint, instance, status };
    }
    return fills;
  }

  /**
   * Companion objects whose last completed companion action created or updated them
   * (`companion_*` rows name the object as `Kind/id` in `instance`, with no master).
   */
  private ownedCompanions(): string[] {
    const last = new Map<string, string>();
    const rows = this.all("SELECT action, instance FROM actions WHERE action LIKE 'companion_%' AND status = 'complete' AND instance IS NOT NULL ORDER BY id");
    for (const r of rows) last.set(String(r.instance), String(r.action));
    return [...last].filter(([, action]) => action !== 'companion_delete').map(([object]) => object).sort();
  }

  /** docs/s of each master's last completed full update that moved documents. */
  private fillRates(): Record<string, number> {
    const rates: Record<string, number> = {};
    const rows = this.all(
      "SELECT master, docs_affected, started_at, ended_at, checkpoint FROM actions WHERE action = 'update' AND status = 'complete' AND docs_affected > 0 AND master IS NOT NULL ORDER BY id DESC",
    );
    for (const r of rows) {
      const master = String(r.master);
      if (master in rates) continue;
      const seconds = (Date.parse(String(r.ended_at)) - Date.parse(String(r.started_at))) / 1000;
      // A resumed fill counts all of the fill's documents; this run moved only those after the resume.
      const moved = Number(r.docs_affected) - (parseCheckpoint(r.checkpoint)?.resumedFrom ?? 0);
      if (Number.isFinite(seconds) && seconds > 0 && moved > 0) rates[master] = moved / seconds;
    }
    return rates;
  }

  /** Per master, the last completed full `update` of its active instance that says how many documents it moved. */
  private lastFills(): Record<string, LastFill> {
    const fills: Record<string, LastFill> = {};
    const rows = this.all(
      `SELECT m.name AS master, a.instance, a.docs_affected, a.ended_at FROM masters m
       JOIN actions a ON a.master = m.name AND a.instance = m.active_instance
       WHERE a.action = 'update' AND a.status = 'complete' AND a.docs_affected IS NOT NULL AND a.ended_at IS NOT NULL
       ORDER BY a.id DESC`,
    );
    for (const r of rows) {
      const master = String(r.master);
      if (!(master in fills)) fills[master] = { instance: String(r.instance), docs: Number(r.docs_affected), at: String(r.ended_at) };
    }
    return fills;
  }

  /**
   * sha256 (hex) of masters and instances, not actions: what a saved plan was made from.
   * Pass the `view()` already read to spare reading it again.
   */
  stateHash(view: Pick<HistoryView, 'masters' | 'instances'> = this.view()): string {
    return stateHashOf(view);
  }

  close(): void {
    this.db.close();
  }

  // ---- internals -----------------------------------------------------------

  private insertAction(a: NewAction, status: ActionStatus, startedAt?: string): number {
    let id = 0;
    this.mutate(() => {
      this.db.run(
        `INSERT INTO actions (action, master, instance, status, started_at, argv, "commit", actor, plan_id, pid, host, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          a.action,
          a.master ?? null,
          a.instance ?? null,
          status,
          status === 'in_progress' ? (startedAt ?? this.stamp()) : null,
          JSON.stringify(redactArgv(a.argv ?? [])),
          a.commit ?? null,
          a.actor ?? null,
          a.planId ?? null,
          this.pid,
          this.host,
          a.detail ? JSON.stringify(a.detail) : null,
        ],
      );
      id = Number(this.db.exec('SELECT last_insert_rowid()')[0]?.values[0]?.[0]);
      return true;
    });
    return id;
  }

  private writeMaster(m: MasterInput): void {
    const keep = m.activeInstance === undefined;
    this.db.run(
      `INSERT INTO masters (name, alias, active_instance, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET alias = excluded.alias, updated_at = excluded.updated_at,
         active_instance = CASE WHEN ? THEN masters.active_instance ELSE excluded.active_instance END`,
      [m.name, m.alias, m.activeInstance ?? null, this.stamp(), keep ? 1 : 0],
    );
  }

  /** `droppedAt` undefined keeps the recorded value. */
  private writeInstance(r: InstanceInput, droppedAt: string | null | undefined): void {
    this.db.run(
      `INSERT INTO instances (name, master, number, fingerprint, created_at, "commit", filled_at, last_update_at, dropped_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET master = excluded.master, number = excluded.number, fingerprint = excluded.fingerprint,
         created_at = excluded.created_at, "commit" = excluded."commit", filled_at = excluded.filled_at,
         last_update_at = excluded.last_update_at,
         dropped_at = CASE WHEN ? THEN instances.dropped_at ELSE excluded.dropped_at END`,
      [r.name, r.master, r.number, r.fingerprint, r.createdAt, r.commit, r.filledAt, r.lastUpdateAt, droppedAt ?? null, droppedAt === undefined ? 1 : 0],
    );
  }

  /**
   * Runs that died: `in_progress` or `queued` actions whose process, on this
   * host, no longer exists. They become `aborted` (in progress) or `abandoned`
   * (queued) in memory; persisted by the caller unless read-only. Returns how many.
   */
  private abortDeadRuns(): number {
    const rows = this.all(`SELECT DISTINCT pid FROM actions WHERE status IN ('in_progress', 'queued') AND host = ? AND pid IS NOT NULL`, [this.host]);
    let n = 0;
    for (const r of rows) {
      const pid = Number(r.pid);
      if (pid === this.pid || pidAlive(pid)) continue;
      n += this.endRun(this.host, pid, `the run (pid ${pid} on ${this.host}) ended`);
    }
    return n;
  }

  /** The actions of a run that is gone: in progress → `aborted`, queued → `abandoned`, each saying why. */
  private endRun(host: string, pid: number, why: string): number {
    const mine = `host = ? AND pid = ?`;
    this.db.run(`UPDATE actions SET status = 'aborted', error = COALESCE(error, ?) WHERE status = 'in_progress' AND ${mine}`, [
      `${why} without finishing this action`,
      host,
      pid,
    ]);
    let n = this.db.getRowsModified();
    this.db.run(`UPDATE actions SET status = 'abandoned', error = COALESCE(error, ?) WHERE status = 'queued' AND ${mine}`, [`${why} before reaching this action`, host, pid]);
    n += this.db.getRowsModified();
    return n;
  }

  private requireAction(id: number, changed: number): true {
    if (changed === 0) throw new StateError(`no action #${id} in the state file ${this.path}`);
    return true;
  }

  /** Runs one statement; returns how many rows it changed. */
  private run(sql: string, params: SqlValue[]): number {
    this.db.run(sql, params);
    return this.db.getRowsModified();
  }

  /**
   * Applies `change` and, when it says it changed something, writes the file.
   * When anything fails, the in-memory database goes back to what the file
   * holds, so memory and file agree. Returns what `change` returned.
   */
  private mutate(change: () => boolean): boolean {
    if (this.readOnly) throw new StateError(`${this.path} was opened read-only: this command cannot record changes`);
    try {
      this.db.exec('SAVEPOINT change');
      const changed = change();
      this.db.exec('RELEASE change');
      if (changed) this.persist();
      return changed;
    } catch (e) {
      this.restore();
      throw e;
    }
  }

  private persist(): void {
    this.checkOnDisk();
    const bytes = this.db.export();
    try {
      this.write(this.path, bytes);
    } catch (e) {
      throw new StateError(`cannot write the state file ${this.path}: ${(e as Error).message}; the previous file is unchanged`);
    }
    this.persisted = bytes;
    this.identity = identityOf(this.path);
  }

  /** Before overwriting: the file on disk must still be ours, or another esm state file. */
  private checkOnDisk(): void {
    const now = identityOf(this.path);
    if (!now || sameIdentity(now, this.identity)) return;
    const bytes = readState(this.path);
    if (!bytes) return;
    loadStateBytes(this.SQL, bytes, this.path, this.known).db.close();
  }

  private restore(): void {
    this.db.close();
    this.db = new this.SQL.Database(this.persisted);
  }

  private all(sql: string, params: SqlValue[] = []): Row[] {
    const stmt = this.db.prepare(sql, params);
    try {
      const rows: Row[] = [];
      while (stmt.step()) rows.push(stmt.getAsObject());
      return rows;
    } finally {
      stmt.free();
    }
  }

  private stamp(): string {
    return this.now().toISOString();
  }
}

function readState(file: string): Uint8Array | null {
  try {
    return readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') return null;
    if (err.code === 'EISDIR') throw new StateError(`${file} is a directory, not an esm state file. Pass --state <file>.`);
    throw new StateError(`cannot read the state file ${file}: ${err.message}`);
  }
}

function identityOf(file: string): FileIdentity | null {
  try {
    const s = statSync(file);
    return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return null;
  }
}

function sameIdentity(a: FileIdentity, b: FileIdentity | null): boolean {
  return b !== null && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

function iso(at: string | Date): string {
  return typeof at === 'string' ? at : at.toISOString();
}

function str(v: SqlValue | undefined): string | null {
  return v === null || v === undefined ? null : String(v);
}

function num(v: SqlValue | undefined): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function toAction(r: Row): ActionRecord {
  return {
    id: Number(r.id),
    action: String(r.action) as ActionName,
    master: str(r.master),
    instance: str(r.instance),
    status: String(r.status) as ActionStatus,
    startedAt: str(r.started_at),
    endedAt: str(r.ended_at),
    docsAffected: num(r.docs_affected),
    argv: parseArgv(r.argv),
    commit: str(r.commit),
    actor: str(r.actor),
    planId: str(r.plan_id),
    error: str(r.error),
    note: str(r.note),
    detail: parseDetail(r.detail),
    checkedAt: str(r.checked_at),
    pid: num(r.pid),
    host: str(r.host),
    checkpoint: parseCheckpoint(r.checkpoint),
  };
}

function toMaster(r: Row): MasterRecord {
  return { name: String(r.name), alias: String(r.alias), activeInstance: str(r.active_instance), updatedAt: String(r.updated_at) };
}

function toInstance(r: Row): InstanceRecord {
  const droppedAt = str(r.dropped_at);
  return {
    name: String(r.name),
    master: String(r.master),
    number: Number(r.number),
    fingerprint: String(r.fingerprint),
    createdAt: String(r.created_at),
    commit: str(r.commit),
    filledAt: str(r.filled_at),
    lastUpdateAt: str(r.last_update_at),
    dropped: droppedAt !== null,
    droppedAt,
  };
}

/** A checkpoint as stored (JSON), or null when there is none or it is not one (a damaged value is not resumed from). */
function parseCheckpoint(v: SqlValue | undefined): FillCheckpoint | null {
  if (v === null || v === undefined) return null;
  try {
    const c = JSON.parse(String(v)) as Partial<FillCheckpoint> | null;
    if (!c || typeof c !== 'object') return null;
    if (typeof c.docs !== 'number' || typeof c.startedAt !== 'string' || typeof c.at !== 'string') return null;
    if (!c.position || typeof c.position !== 'object' || Array.isArray(c.position)) return null;
    return {
      docs: c.docs,
      total: typeof c.total === 'number' ? c.total : null,
      startedAt: c.startedAt,
      at: c.at,
      position: c.position,
      ...(typeof c.resumedFrom === 'number' ? { resumedFrom: c.resumedFrom } : {}),
    };
  } catch {
    return null;
  }
}

function parseDetail(v: SqlValue | undefined): ActionDetail | null {
  if (v === null || v === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(String(v));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ActionDetail) : null;
  } catch {
    return null;
  }
}

function parseArgv(v: SqlValue | undefined): string[] {
  try {
    const parsed: unknown = JSON.parse(String(v ?? '[]'));
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

