import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateError } from '../errors.js';
import { MIGRATIONS } from './migrations.js';
import { HistoryStore } from './store.js';
import { aStateFile, foreignDatabase, rewrite } from '../../test/support/history-files.js';

/** A state file holding `bytes`. */
async function aFile(bytes: Uint8Array | ((file: string) => Promise<void>)): Promise<string> {
  const t = aStateFile();
  await mkdir(path.dirname(t.file), { recursive: true });
  if (typeof bytes === 'function') await bytes(t.file);
  else await writeFile(t.file, bytes);
  return t.file;
}

/** A real esm state file with a few rows, big enough to span several pages. */
async function anEsmFile(file: string): Promise<void> {
  const store = await HistoryStore.open(file);
  store.upsertMaster({ name: 'movies', alias: 'movies' });
  for (let i = 0; i < 40; i++) store.startAction({ action: 'update', master: 'movies', argv: ['esm', 'update', 'x'.repeat(200)] });
}

async function expectRefused(file: string, message: RegExp): Promise<void> {
  const before = await readFile(file);
  for (const readOnly of [true, false]) {
    const opening = HistoryStore.open(file, { readOnly });
    await expect(opening).rejects.toBeInstanceOf(StateError);
    await expect(opening).rejects.toThrow(message);
    await expect(opening).rejects.toThrow(file);
  }
  expect(await readFile(file)).toEqual(before);
}

describe('opening a state file that is not one esm can use', () => {
  it('refuses random bytes', async () => {
    const file = await aFile(randomBytes(4096));
    await expectRefused(file, /is not an esm state file \(not a SQLite database\); refusing to overwrite it\. Move it away or pass --state/);
  });

  it('refuses an empty file', async () => {
    await expectRefused(await aFile(new Uint8Array()), /is empty, not an esm state file/);
  });

  it('refuses a truncated esm state file', async () => {
    const file = await aFile(async (f) => {
      await anEsmFile(f);
      const whole = await readFile(f);
      await writeFile(f, whole.subarray(0, Math.floor(whole.length / 2)));
    });
    await expectRefused(file, /is a damaged state file \(truncated.*esm state rebuild/);
  });

  it('refuses a file cut inside the SQLite header', async () => {
    const file = await aFile(async (f) => {
      await anEsmFile(f);
      await writeFile(f, (await readFile(f)).subarray(0, 60));
    });
    await expectRefused(file, /is a damaged state file \(truncated/);
  });

  it('refuses a damaged page', async () => {
    const file = await aFile(async (f) => {
      await anEsmFile(f);
      const bytes = await readFile(f);
      const pageSize = bytes.readUInt16BE(16);
      bytes.fill(0xff, pageSize, pageSize * 3);
      await writeFile(f, bytes);
    });
    await expectRefused(file, /is a damaged state file/);
  });

  it("refuses another application's SQLite database", async () => {
    await expectRefused(await aFile(await foreignDatabase()), /is not an esm state file \(no esm_meta table\); refusing to overwrite it/);
  });

  it('refuses an esm_meta table that does not name esm', async () => {
    const file = await aFile(async (f) => {
      await anEsmFile(f);
      await rewrite(f, `UPDATE esm_meta SET value = 'other-tool' WHERE key = 'app'`);
    });
    await expectRefused(file, /its esm_meta table does not name esm/);
  });

  it('refuses a file written by a newer esm', async () => {
    const file = await aFile(async (f) => {
      await anEsmFile(f);
      await rewrite(f, `UPDATE esm_meta SET value = '7' WHERE key = 'schema_version'`);
    });
    await expectRefused(file, new RegExp(`written by a newer esm \\(state schema version 7; this esm knows up to ${MIGRATIONS.length}\\)\\. Upgrade esm`));
  });

  it('refuses a directory', async () => {
    const file = await aFile(async (f) => {
      await mkdir(f);
    });
    await expect(HistoryStore.open(file)).rejects.toThrow(/is a directory/);
  });
});
