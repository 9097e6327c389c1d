/**
 * One apply at a time per cluster and prefix (SPEC §9): a document in the hidden
 * index `esm-locks`, `_id` = `apply:<prefix>`. Created with `op_type=create`, so of
 * two concurrent applies exactly one wins. A lock whose holder died can be taken
 * over: once it expired (the holder stopped renewing it), or at once when the
 * holder ran on this host and its process is gone. Take-overs, renewals and the
 * release are conditional on the document's seq_no / primary_term, so nobody ever
 * overwrites or deletes a lock they do not hold. Reads are real-time GETs by id;
 * writes refresh the (one-shard) index at once so that a search sees them too —
 * `refresh=wait_for` would cost up to a refresh interval on every write.
 */
import { hostname } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { RefusedError } from '../errors.js';
import { pidAlive } from '../pid-alive.js';
import { indexPath, type Conn } from './conn.js';
import { isStatus } from './retry.js';

export const LOCK_INDEX = 'esm-locks';

export interface LockDoc {
  holder: string;
  pid: number;
  host: string;
  startedAt: string;
  expiresAt: string;
  command: string;
}

/** The apply lock lives this long without renewal; the holder renews it every third of that. */
export const LOCK_TTL_MS = 120_000;

export interface LockHolder {
  /** Who: e.g. `alice@build-7`. */
  holder: string;
  /** What runs: e.g. `esm apply --auto-approve` (no secrets). */
  command: string;
}

export interface AcquireLockOptions {
  /** How long the lock lives without renewal; the heartbeat renews it every ttl/3. */
  ttlMs: number;
  now?: () => Date;
  /** This process (overridable for tests). */
  pid?: number;
  host?: string;
  /** Whether a pid is alive on this host (default: `process.kill(pid, 0)`). */
  isPidAlive?: (pid: number) => boolean;
  /** Renew in the background (default true). */
  heartbeat?: boolean;
}

export interface Lock {
  readonly id: string;
  readonly prefix: string;
  /** The lock document as last written. */
  readonly doc: LockDoc;
  /** Set when a renewal found the lock taken over: the apply must stop. */
  readonly lost: RefusedError | null;
  /** The lock this one replaced: its holder (expired, or dead on this host) is gone. Null when none was held. */
  readonly takenOver: LockDoc | null;
  /** Push `expiresAt` to now + ttl. Throws RefusedError when the lock was taken over. */
  renew(): Promise<void>;
  /** Throws the RefusedError when the lock was lost. */
  assertHeld(): void;
  /** Stop the heartbeat and delete the lock (only if still ours). Idempotent. */
  release(): Promise<void>;
}

export function lockId(prefix: string): string {
  return `apply:${prefix}`;
}

export type TakeOver = { kind: 'take_over'; why: 'expired' | 'holder_dead' } | { kind: 'refuse' };

/** May this process take over an existing lock? (pure) */
export function decideTakeOver(doc: LockDoc, me: { now: Date; host: string; isPidAlive: (pid: number) => boolean }): TakeOver {
  const expires = Date.parse(doc.expiresAt);
  if (Number.isNaN(expires) || expires <= me.now.getTime()) return { kind: 'take_over', why: 'expired' };
  if (doc.host === me.host && Number.isInteger(doc.pid) && !me.isPidAlive(doc.pid)) return { kind: 'take_over', why: 'holder_dead' };
  return { kind: 'refuse' };
}

export function heldMessage(prefix: string, doc: LockDoc, now: Date = new Date()): string {
  return (
    `another esm apply holds the lock for prefix "${prefix}": ${holderWords(doc, now)}` +
    (doc.command ? ` (command: ${doc.command})` : '') +
    `. If that apply is surely gone (e.g. its CI runner died), take the lock over now with: esm lock release --force`
  );
}

/** `alice@ci (pid 42 on host build-7) since …, expires … (in 1 min 52 s)` */
export function holderWords(doc: LockDoc, now: Date = new Date()): string {
  const left = Date.parse(doc.expiresAt) - now.getTime();
  const when = Number.isNaN(left) ? '' : left > 0 ? ` (in ${duration(left)})` : ' (expired)';
  return `${doc.holder} (pid ${doc.pid} on host ${doc.host}) since ${doc.startedAt}, expires ${doc.expiresAt}${when}`;
}

function duration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
}

/** The lock document of `prefix`, or null when no apply holds it. */
export async function currentLock(conn: Conn, prefix: string): Promise<LockDoc | null> {
  return (await readLock(conn, lockId(prefix)))?.doc ?? null;
}

/**
 * `esm lock release --force`: deletes the lock whoever holds it, conditionally on
 * the version read, so that a lock taken in between is left alone (RefusedError).
 * Returns the document removed, or null when there was none.
 */
export async function forceReleaseLock(conn: Conn, prefix: string): Promise<LockDoc | null> {
  const id = lockId(prefix);
  const current = await readLock(conn, id);
  if (!current) return null;
  try {
    await conn.request(`releasing the apply lock for prefix "${prefix}"`, {
      method: 'DELETE',
      path: docPath(id),
      querystring: { if_seq_no: current.version.seqNo, if_primary_term: current.version.primaryTerm, refresh: true },
    });
  } catch (err) {
    if (isStatus(err, 404)) return null;
    if (isStatus(err, 409)) throw new RefusedError(`the apply lock for prefix "${prefix}" changed hands while releasing it; run esm lock release again to see its holder`);
    throw err;
  }
  return current.doc;
}


interface Version {
  seqNo: number;
  primaryTerm: number;
}

const MAX_ROUNDS = 3;

function versionOf(res: { _seq_no?: number; _primary_term?: number }): Version {
  return { seqNo: res._seq_no ?? -1, primaryTerm: res._primary_term ?? 0 };
}

type WriteResponse = { _seq_no?: number; _primary_term?: number };

const docPath = (id: string, op: '_doc' | '_create' = '_doc') => `${indexPath(LOCK_INDEX)}/${op}/${encodeURIComponent(id)}`;

/** Index the lock document, only over this version when given. */
function writeLock(conn: Conn, what: string, id: string, doc: LockDoc, over?: Version): Promise<WriteResponse> {
  return conn.request<WriteResponse>(what, {
    method: 'PUT',
    path: docPath(id),
    querystring: { refresh: true, ...(over ? { if_seq_no: over.seqNo, if_primary_term: over.primaryTerm } : {}) },
    body: doc,
  });
}

export async function acquireLock(conn: Conn, prefix: string, who: LockHolder, opts: AcquireLockOptions): Promise<Lock> {
  const now = opts.now ?? (() => new Date());
  const me = { pid: opts.pid ?? process.pid, host: opts.host ?? hostname(), isPidAlive: opts.isPidAlive ?? pidAlive };
  const id = lockId(prefix);
  const makeDoc = (startedAt?: string): LockDoc => {
    const t = now();
    return {
      holder: who.holder,
      pid: me.pid,
      host: me.host,
      startedAt: startedAt ?? t.toISOString(),
      expiresAt: new Date(t.getTime() + opts.ttlMs).toISOString(),
      command: who.command,
    };
  };

  await ensureLockIndex(conn);
  for (let round = 1; ; round++) {
    const doc = makeDoc();
    try {
      const res = await conn.request<WriteResponse>(`taking the apply lock for prefix "${prefix}"`, {
        method: 'PUT',
        path: docPath(id, '_create'),
        querystring: { refresh: true },
        body: doc,
      });
      return startLock(conn, prefix, id, doc, versionOf(res), opts, makeDoc, null);
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
    }
    const current = await readLock(conn, id);
    if (current === null) {
      if (round >= MAX_ROUNDS) throw new RefusedError(`cannot take the apply lock for prefix "${prefix}": it keeps changing hands`);
      continue; // released in between: try to create it again
    }
    // Our own create went through but its answer was lost (a retried timeout): it is ours.
    if (isDeepStrictEqual(current.doc, doc)) return startLock(conn, prefix, id, doc, current.version, opts, makeDoc, null);
    const decision = decideTakeOver(current.doc, { now: now(), host: me.host, isPidAlive: me.isPidAlive });
    if (decision.kind === 'refuse') throw new RefusedError(heldMessage(prefix, current.doc));
    try {
      const res = await writeLock(conn, `taking over the apply lock for prefix "${prefix}"`, id, doc, current.version);
      return startLock(conn, prefix, id, doc, versionOf(res), opts, makeDoc, current.doc);
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
      const winner = await readLock(conn, id);
      // Our take-over went through but its answer was lost (the retry found the version moved on): it is ours.
      if (winner && isDeepStrictEqual(winner.doc, doc)) return startLock(conn, prefix, id, doc, winner.version, opts, makeDoc, current.doc);
      // Someone else took it over first.
      throw new RefusedError(winner ? heldMessage(prefix, winner.doc) : `another esm apply took the lock for prefix "${prefix}" first`);
    }
  }
}

/** Create the hidden lock index when missing (a concurrent creation is fine). */
async function ensureLockIndex(conn: Conn): Promise<void> {
  const exists = await conn.request<boolean>('looking for the lock index', { method: 'HEAD', path: indexPath(LOCK_INDEX) });
  if (exists === true) return;
  try {
    await conn.request('creating the lock index', {
      method: 'PUT',
      path: indexPath(LOCK_INDEX),
      body: {
        settings: { index: { hidden: true, number_of_shards: 1, number_of_replicas: 0, auto_expand_replicas: '0-1' } },
        mappings: { dynamic: false, properties: { holder: { type: 'keyword' }, expiresAt: { type: 'date' } } },
      },
    });
  } catch (err) {
    if (!(isStatus(err, 400) && err.details.type === 'resource_already_exists_exception')) throw err;
  }
}

async function readLock(conn: Conn, id: string): Promise<{ doc: LockDoc; version: Version } | null> {
  try {
    const res = await conn.request<{ found?: boolean; _source?: LockDoc; _seq_no?: number; _primary_term?: number }>('reading the apply lock', {
      method: 'GET',
      path: docPath(id),
    });
    if (!res.found || !res._source || res._seq_no === undefined || res._primary_term === undefined) return null;
    return { doc: res._source, version: versionOf(res) };
  } catch (err) {
    if (isStatus(err, 404)) return null;
    throw err;
  }
}

function startLock(
  conn: Conn,
  prefix: string,
  id: string,
  first: LockDoc,
  firstVersion: Version,
  opts: AcquireLockOptions,
  makeDoc: (startedAt: string) => LockDoc,
  takenOver: LockDoc | null,
): Lock {
  let doc = first;
  let version: Version | null = firstVersion;
  let lost: RefusedError | null = null;
  let chain: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  /** Serialize renewals and the release: each needs the version the previous one wrote. */
  const queue = (task: () => Promise<void>): Promise<void> => {
    const next = chain.then(task);
    chain = next.catch(() => undefined);
    return next;
  };

  const renewNow = async (): Promise<void> => {
    if (lost) throw lost;
    if (version === null) throw new RefusedError(`the apply lock for prefix "${prefix}" was released`);
    const held = version;
    const next = makeDoc(doc.startedAt);
    try {
      const res = await writeLock(conn, `renewing the apply lock for prefix "${prefix}"`, id, next, held);
      doc = next;
      version = versionOf(res);
    } catch (err) {
      if (!isStatus(err, 409, 404)) throw err;
      const other = await readLock(conn, id).catch(() => null);
      // Our renewal went through but its answer was lost (the retry found the version moved on): still ours.
      if (other && isDeepStrictEqual(other.doc, next)) {
        doc = next;
        version = other.version;
        return;
      }
      lost = new RefusedError(
        `lost the apply lock for prefix "${prefix}": ` + (other ? `taken over by ${other.doc.holder} (pid ${other.doc.pid} on host ${other.doc.host})` : 'it was removed'),
      );
      stop();
      throw lost;
    }
  };

  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };

  if (opts.heartbeat ?? true) {
    timer = setInterval(() => {
      // A failed renewal (cluster briefly away) is tried again next beat; a lost lock stops the beat.
      queue(renewNow).catch(() => undefined);
    }, Math.max(1, Math.floor(opts.ttlMs / 3)));
    timer.unref();
  }

  return {
    id,
    prefix,
    get doc() {
      return doc;
    },
    get lost() {
      return lost;
    },
    takenOver,
    renew: () => queue(renewNow),
    assertHeld() {
      if (lost) throw lost;
    },
    release() {
      stop();
      return queue(async () => {
        if (version === null || lost) return;
        const held = version;
        version = null;
        try {
          await conn.request(`releasing the apply lock for prefix "${prefix}"`, {
            method: 'DELETE',
            path: docPath(id),
            querystring: { if_seq_no: held.seqNo, if_primary_term: held.primaryTerm, refresh: true },
          });
        } catch (err) {
          if (isStatus(err, 404, 409)) return; // gone or not ours any more: nothing to release
          // No answer: the lock document tells whether the release went through.
          const now = await readLock(conn, id).catch(() => undefined);
          if (now === null || (now !== undefined && !isDeepStrictEqual(now.doc, doc))) return;
          version = held;
          throw err;
        }
      });
    },
  };
}
