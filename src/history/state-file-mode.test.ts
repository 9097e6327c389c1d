/**
 * The atomic rewrite of the state file keeps its mode and owner, and
 * a file its user made read-only is refused (StateError, exit 1), untouched.
 * The tests run as root here, and root may write a 0444 file: the mode bits are
 * what esm must respect.
 */
import { chmodSync, chownSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StateError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { HistoryStore } from './store.js';
import { aStateFile } from '../../test/support/history-files.js';


async function aWrittenStore(file: string): Promise<void> {
  const store = await HistoryStore.open(file);
  store.upsertMaster({ name: 'movies', alias: 'movies', activeInstance: null });
  store.close();
}

const isRoot = process.getuid?.() === 0;

describe('the state file keeps its mode and owner', () => {
  it('a 0600 file stays 0600 after a write', async () => {
    const file = aStateFile().file;
    await aWrittenStore(file);
    chmodSync(file, 0o600);
    const store = await HistoryStore.open(file);
    store.upsertMaster({ name: 'books', alias: 'books', activeInstance: null });
    store.close();
    expect(statSync(file).mode & 0o7777).toBe(0o600);
    expect((await HistoryStore.open(file, { readOnly: true })).view().masters.map((m) => m.name).sort()).toEqual(['books', 'movies']);
  });

  it('writeFileAtomic keeps an existing file\'s mode (0640), whatever the umask', async () => {
    const file = aStateFile().file;
    writeFileAtomic(file, Buffer.from('one'));
    chmodSync(file, 0o640);
    const old = process.umask(0o077);
    try {
      writeFileAtomic(file, Buffer.from('two'));
    } finally {
      process.umask(old);
    }
    expect(statSync(file).mode & 0o7777).toBe(0o640);
    expect(readFileSync(file, 'utf8')).toBe('two');
  });

  it.runIf(isRoot)('root rewriting another user\'s file keeps that user as its owner (nobody, 65534)', async () => {
    const file = aStateFile().file;
    await aWrittenStore(file);
    chownSync(file, 65534, 65534);
    const store = await HistoryStore.open(file);
    store.upsertMaster({ name: 'books', alias: 'books', activeInstance: null });
    store.close();
    const st = statSync(file);
    expect([st.uid, st.gid]).toEqual([65534, 65534]);
  });

  it('refuses a read-only (0444) file before any change, leaving its bytes as they were', async () => {
    const file = aStateFile().file;
    await aWrittenStore(file);
    chmodSync(file, 0o444);
    const before = readFileSync(file);
    const error = await HistoryStore.open(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateError);
    expect((error as Error).message).toBe(
      `${file} is read-only (mode 0444): esm will not replace it. Make it writable (chmod u+w ${file}) or pass --state <another file>.`,
    );
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(statSync(file).mode & 0o7777).toBe(0o444);
    // Reading it stays possible.
    expect((await HistoryStore.open(file, { readOnly: true })).view().masters.map((m) => m.name)).toEqual(['movies']);
  });
});
