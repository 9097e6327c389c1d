import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/rng.js';
import { escapeId, idsNotIn, MAX_FANIN, SortedIds, unescapeId, type IdCursor } from './id-sets.js';
import { scratchDir } from '../../test/support/scratch.js';

async function sorted(ids: readonly string[], runIds: number, tmpDir?: string): Promise<{ s: SortedIds; c: IdCursor }> {
  const s = new SortedIds({ runIds, ...(tmpDir ? { tmpDir } : {}) });
  for (const id of ids) await s.add(id);
  return { s, c: await s.cursor() };
}

async function drain(c: IdCursor): Promise<string[]> {
  const out: string[] = [];
  for (let more = await c.load(); more; more = c.step() || (await c.load())) out.push(c.head()!);
  return out;
}

/** What the streamed comparison must find: `have` less `keep`, in order (the in-memory answer). */
function expected(have: readonly string[], keep: readonly string[]): string[] {
  const k = new Set(keep);
  return [...have].filter((id) => !k.has(id)).sort();
}

async function compare(have: readonly string[], keep: readonly string[], runIds: number, tmpDir?: string): Promise<{ found: string[]; compared: number; spilled: number }> {
  const a = await sorted(have, runIds, tmpDir);
  const b = await sorted(keep, runIds, tmpDir);
  try {
    const found: string[] = [];
    const r = await idsNotIn(a.c, b.c, (id) => void found.push(id));
    expect(r.missing).toBe(found.length);
    return { found, compared: r.compared, spilled: a.s.spilled + b.s.spilled };
  } finally {
    a.s.dispose();
    b.s.dispose();
  }
}

const alphabet = ['a', 'b', 'z', '0', '9', '-', '_', 'é', 'ß', '漢', '😀', '\\', '\n', '\r', ' ', 'A'];
function randomId(r: () => number): string {
  const n = 1 + Math.floor(r() * 6);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

describe('SortedIds: ids in order, in bounded memory', () => {
  it('gives back every id added, in string order, duplicates kept, whether it spilled runs to disk or not', async () => {
    const r = rng(7);
    const ids = Array.from({ length: 1_000 }, () => randomId(r));
    const want = [...ids].sort();
    for (const runIds of [3, 7, 100, 10_000]) {
      const { s, c } = await sorted(ids, runIds);
      try {
        expect(await drain(c), `runIds ${runIds}`).toEqual(want);
        expect(s.spilled, `runIds ${runIds}`).toBe(runIds >= ids.length ? 0 : Math.ceil(ids.length / runIds));
        expect(s.size).toBe(ids.length);
      } finally {
        s.dispose();
      }
    }
  });

  it('keeps ids whole across the read buffer: long ids of multi-byte characters, line breaks and backslashes', async () => {
    // 4,000 ids of ~300 bytes: several read buffers, each boundary likely inside a character.
    const ids = Array.from({ length: 4_000 }, (_, i) => `${'é漢😀'.repeat(25 + (i % 7))}\\n${i}\n${i % 3 === 0 ? '\r' : ''}`);
    const { s, c } = await sorted(ids, 500);
    try {
      expect(s.spilled).toBe(8);
      expect(await drain(c)).toEqual([...ids].sort());
    } finally {
      s.dispose();
    }
  });

  it('writes its runs under the given directory and removes them on dispose; one run never touches the disk', async () => {
    const dir = scratchDir('idsets');
    const small = await sorted(['b', 'a'], 10, dir);
    expect(readdirSync(dir)).toEqual([]);
    small.s.dispose();
    const big = await sorted(['c', 'b', 'a', 'e', 'd'], 2, dir);
    const [runs] = readdirSync(dir);
    expect(runs).toMatch(/^esm-ids-/);
    // Two full runs written as they filled, the last (one id) once read back began.
    expect(readdirSync(path.join(dir, runs!))).toEqual(['run-0', 'run-1', 'run-2']);
    expect(await drain(big.c)).toEqual(['a', 'b', 'c', 'd', 'e']);
    big.s.dispose();
    expect(existsSync(path.join(dir, runs!))).toBe(false);
  });

  it('merges more runs than it reads at once in passes, so the merge holds at most MAX_FANIN runs open', async () => {
    const dir = scratchDir('idsets');
    const ids = Array.from({ length: 1_000 }, (_, i) => `id-${(i * 7919) % 1000}`);
    const { s, c } = await sorted(ids, 3, dir);
    // 334 runs written; merged 64 at a time into longer runs until at most 64 remain.
    expect(s.spilled).toBe(334);
    const [runs] = readdirSync(dir);
    expect(readdirSync(path.join(dir, runs!)).length).toBeLessThanOrEqual(MAX_FANIN);
    expect(await drain(c)).toEqual([...ids].sort());
    s.dispose();
  });

  it('escapes exactly the characters that would break a line, and reads them back', () => {
    for (const id of ['plain', 'a\\b', 'line\nbreak', 'cr\rlf', '\\n', '\\\\\n\r', '']) expect(unescapeId(escapeId(id))).toBe(id);
    expect(escapeId('a\nb')).toBe('a\\nb');
    expect(escapeId('a\\nb')).toBe('a\\\\nb');
    expect(escapeId('plain')).toBe('plain');
  });
});

describe('idsNotIn: the ids of one side the other lacks', () => {
  it('finds exactly the stale ids: random sets with overlaps, duplicates and runs spilled on both sides (100 seeds)', async () => {
    for (let seed = 1; seed <= 100; seed++) {
      const r = rng(seed);
      const pool = Array.from({ length: 1 + Math.floor(r() * 300) }, () => randomId(r));
      const pick = () => pool.filter(() => r() < 0.6);
      const have = [...new Set(pick())];
      const keep = [...pick(), ...pick().slice(0, 10)];
      const runIds = 4 + Math.floor(r() * 40);
      const { found, compared } = await compare(have, keep, runIds);
      expect(found, `seed ${seed}`).toEqual(expected(have, keep));
      expect(compared).toBe(have.length);
    }
  });

  it('an empty source makes every id stale; an empty instance has none; equal sets have none', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `doc-${i}`);
    expect((await compare(ids, [], 8)).found).toEqual([...ids].sort());
    expect((await compare([], ids, 8)).found).toEqual([]);
    expect((await compare(ids, [...ids].reverse(), 8)).found).toEqual([]);
  });

  it('compares in string order, not numeric: doc-10 sorts before doc-9, and both are found', async () => {
    const have = ['doc-9', 'doc-10', 'doc-100', 'doc-11'];
    expect((await compare(have, ['doc-100'], 2)).found).toEqual(['doc-10', 'doc-11', 'doc-9']);
  });

  it('100,000 ids a side with 1,000-id runs: the stale ones, and nothing else', async () => {
    const r = rng(42);
    const n = 100_000;
    const have = Array.from({ length: n }, (_, i) => `m-${i}`);
    const gone = new Set(Array.from({ length: 137 }, () => `m-${Math.floor(r() * n)}`));
    // The source in another order, with ids the instance never had.
    const keep = [...have.filter((id) => !gone.has(id)), ...Array.from({ length: 500 }, (_, i) => `new-${i}`)].sort(() => r() - 0.5);
    const { found, spilled } = await compare(have, keep, 1_000);
    expect(spilled).toBeGreaterThan(150);
    expect(found).toEqual([...gone].sort());
  });
});
