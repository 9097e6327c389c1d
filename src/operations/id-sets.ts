/**
 * Id sets compared in bounded memory (SPEC §3 "Deletions", §13: under 300 MB at
 * 20 million ids a side). Each side's ids are sorted externally: gathered in
 * runs of at most `runIds`, each run sorted and, once a second one starts,
 * written to a temporary file; reading them back merges the runs in order (a
 * side that fits in one run never touches the disk). The two sorted sides are
 * then walked together once: `idsNotIn` finds the ids of one the other lacks.
 *
 * Order: JavaScript's string order (UTF-16 code units), the same for the sort
 * and the merge. Duplicates are kept (the comparison skips them). A run file
 * holds one id a line, with `\`, line feeds and carriage returns escaped, so
 * any id survives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SortedIdsOptions {
  /** Ids held in memory before a run is written out (default RUN_IDS). */
  runIds?: number;
  /** Where run files go (default: the system's temporary directory). */
  tmpDir?: string;
}

/** Ids a run holds: about 20 MB of JavaScript strings for ids of ~20 characters. */
export const RUN_IDS = 250_000;
/** Bytes read from a run file at a time (the merge holds one such batch per run). */
const READ_BYTES = 64 * 1024;
/** Bytes written to a run file at a time. */
const WRITE_BYTES = 1 << 20;
/**
 * Runs merged at once, at most: more are first merged into longer runs, this many at a
 * time, so that the memory of the merge does not grow with the number of ids.
 */
export const MAX_FANIN = 64;

/**
 * Ids in ascending order, read a batch at a time. Start with `await load()`;
 * then `head()` is the current id, and `step()` moves on — true when the next
 * id is there at once, false when `load()` must be awaited (a new batch) first.
 */
export interface IdCursor {
  /** The current id; undefined once exhausted. */
  head(): string | undefined;
  step(): boolean;
  /** Makes `head` valid, reading the next batch when needed; false once exhausted. */
  load(): Promise<boolean>;
}

export class SortedIds {
  private buffer: string[] = [];
  private readonly runs: string[] = [];
  private dir: string | null = null;
  /** Run files written, merged ones included (names them). */
  private written = 0;
  private spills = 0;
  private readonly runIds: number;
  private count = 0;

  constructor(private readonly opts: SortedIdsOptions = {}) {
    this.runIds = Math.max(1, Math.floor(opts.runIds ?? RUN_IDS));
  }

  /** Ids added so far. */
  get size(): number {
    return this.count;
  }

  /** Runs of added ids written to disk so far (runs merged from them not counted). */
  get spilled(): number {
    return this.spills;
  }

  /** Adds an id; returns a promise (to await before the next add) only when a run is written out. */
  add(id: string): Promise<void> | undefined {
    this.buffer.push(id);
    this.count++;
    return this.buffer.length >= this.runIds ? this.spill() : undefined;
  }

  /**
   * Every id added, in order (call once, after the last `add`). Once runs were written,
   * the last one is written too, so that the merge holds only a batch per run in memory.
   */
  async cursor(): Promise<IdCursor> {
    if (this.runs.length === 0) {
      this.buffer.sort();
      const all = arrayCursor(this.buffer);
      this.buffer = [];
      return all;
    }
    if (this.buffer.length > 0) await this.spill();
    while (this.runs.length > MAX_FANIN) {
      const group = this.runs.splice(0, MAX_FANIN);
      this.runs.push(await this.write(await merged(await Promise.all(group.map(fileCursor)))));
      for (const file of group) rmSync(file, { force: true });
    }
    return merged(await Promise.all(this.runs.map(fileCursor)));
  }

  /** Removes the run files. */
  dispose(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    this.buffer = [];
  }

  private async spill(): Promise<void> {
    this.buffer.sort();
    this.runs.push(await this.write(arrayCursor(this.buffer)));
    this.spills++;
    this.buffer = [];
  }

  /** Writes the ids of `ids` to a new run file; returns its path. */
  private async write(ids: IdCursor): Promise<string> {
    this.dir ??= mkdtempSync(path.join(this.opts.tmpDir ?? tmpdir(), 'esm-ids-'));
    const file = path.join(this.dir, `run-${this.written++}`);
    const fh = await open(file, 'w');
    try {
      let chunk = '';
      for (let more = await ids.load(); more; more = ids.step() || (await ids.load())) {
        chunk += escapeId(ids.head()!) + '\n';
        if (chunk.length >= WRITE_BYTES) {
          await fh.write(chunk);
          chunk = '';
        }
      }
      if (chunk) await fh.write(chunk);
    } finally {
      await fh.close();
    }
    return file;
  }
}

/** `\` → `\\`, line feed → `\n`, carriage return → `\r`: one id a line. */
export function escapeId(id: string): string {
  return /[\\\n\r]/.test(id) ? id.replace(/[\\\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : '\\r')) : id;
}

export function unescapeId(line: string): string {
  return line.includes('\\') ? line.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c)) : line;
}

function arrayCursor(ids: readonly string[]): IdCursor {
  let i = 0;
  return {
    head: () => ids[i],
    step: () => ++i < ids.length,
    load: async () => i < ids.length,
  };
}

/** Reads a run file back, a batch of lines at a time. */
async function fileCursor(file: string): Promise<IdCursor> {
  const fh: FileHandle = await open(file, 'r');
  const buf = Buffer.alloc(READ_BYTES);
  const decoder = new TextDecoder();
  let batch: string[] = [];
  let i = 0;
  let rest = '';
  let done = false;
  const readBatch = async (): Promise<void> => {
    batch = [];
    i = 0;
    while (batch.length === 0 && !done) {
      const { bytesRead } = await fh.read(buf, 0, READ_BYTES, null);
      if (bytesRead === 0) {
        done = true;
        await fh.close();
        if (rest) batch.push(unescapeId(rest));
        rest = '';
        return;
      }
      // Lines are split on line feeds, which UTF-8 never uses inside a character; a character cut at
      // the end of the buffer is completed by the next read (the decoder streams).
      const text = rest + decoder.decode(buf.subarray(0, bytesRead), { stream: true });
      const lines = text.split('\n');
      rest = lines.pop()!;
      for (const line of lines) batch.push(unescapeId(line));
    }
  };
  return {
    head: () => batch[i],
    step: () => ++i < batch.length,
    async load() {
      if (i < batch.length) return true;
      if (!done) await readBatch();
      return i < batch.length;
    },
  };
}

/** The k-way merge of sorted cursors (a binary heap on their heads). */
async function merged(cursors: IdCursor[]): Promise<IdCursor> {
  const heap: IdCursor[] = [];
  for (const c of cursors) if (await c.load()) heap.push(c);
  const less = (a: IdCursor, b: IdCursor) => a.head()! < b.head()!;
  const down = (at: number) => {
    for (let k = at; ; ) {
      const l = 2 * k + 1;
      const r = l + 1;
      let m = k;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === k) return;
      [heap[k], heap[m]] = [heap[m]!, heap[k]!];
      k = m;
    }
  };
  for (let k = (heap.length >> 1) - 1; k >= 0; k--) down(k);
  /** The top cursor moved past its batch: it must load before the heap is in order again. */
  let pending = false;
  return {
    head: () => heap[0]?.head(),
    step() {
      if (heap.length === 0) return false;
      if (heap[0]!.step()) {
        down(0);
        return true;
      }
      pending = true;
      return false;
    },
    async load() {
      if (pending) {
        pending = false;
        if (!(await heap[0]!.load())) {
          heap[0] = heap[heap.length - 1]!;
          heap.pop();
        }
        if (heap.length > 0) down(0);
      }
      return heap.length > 0;
    },
  };
}

/**
 * Calls `each` with every id of `have` that `keep` lacks, in order, walking both
 * once. Returns how many ids of `have` were compared, and how many `keep` lacks.
 */
export async function idsNotIn(have: IdCursor, keep: IdCursor, each: (id: string) => Promise<void> | void): Promise<{ compared: number; missing: number }> {
  let compared = 0;
  let missing = 0;
  let kept = await keep.load();
  let more = await have.load();
  while (more) {
    const id = have.head()!;
    while (kept && keep.head()! < id) kept = keep.step() || (await keep.load());
    if (!kept || keep.head() !== id) {
      missing++;
      const r = each(id);
      if (r) await r;
    }
    compared++;
    more = have.step() || (await have.load());
  }
  return { compared, missing };
}
