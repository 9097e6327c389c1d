import * as fs from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, type AtomicIo } from './atomic-write.js';
import { scratchDir } from '../../test/support/scratch.js';

/** The real file system, except that `fail` throws once `when` says so. */
function failing(fail: 'writeSync' | 'fsyncSync' | 'renameSync'): AtomicIo {
  return {
    ...fs,
    [fail]: (...args: unknown[]) => {
      if (fail === 'writeSync') {
        // Half the bytes reach the temporary file, then the disk is full.
        const [fd, buf] = args as [number, Uint8Array];
        fs.writeSync(fd, buf, 0, Math.floor(buf.length / 2));
      }
      throw Object.assign(new Error(`${fail} failed`), { code: 'EIO' });
    },
  } as AtomicIo;
}

describe('writeFileAtomic', () => {
  it('creates missing directories and leaves only the target', async () => {
    const dir = scratchDir('atomic');
    const file = path.join(dir, 'a', 'b', 'state.sqlite');
    writeFileAtomic(file, Buffer.from('one'));
    writeFileAtomic(file, Buffer.from('two'));
    expect(await readFile(file, 'utf8')).toBe('two');
    expect(await readdir(path.dirname(file))).toEqual(['state.sqlite']);
  });

  it.each(['writeSync', 'fsyncSync', 'renameSync'] as const)('keeps the old file and removes the temporary one when %s fails', async (step) => {
    const dir = scratchDir('atomic');
    const file = path.join(dir, 'state.sqlite');
    await writeFile(file, 'old content');
    expect(() => writeFileAtomic(file, Buffer.alloc(10_000, 1), failing(step))).toThrow(`${step} failed`);
    expect(await readFile(file, 'utf8')).toBe('old content');
    expect(await readdir(dir)).toEqual(['state.sqlite']);
  });
});
