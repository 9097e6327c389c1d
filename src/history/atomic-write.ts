/**
 * Writing a file so that a crash never leaves it half-written: the bytes go to
 * `<file>.tmp-<pid>-<random>` in the same directory, are flushed to disk, then
 * renamed over the target (a rename within a directory is atomic).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import path from 'node:path';

/** The file-system calls used, replaceable to inject faults in tests. */
export type AtomicIo = Pick<typeof fs, 'mkdirSync' | 'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'rmSync'>;

export function writeFileAtomic(file: string, bytes: Uint8Array, io: AtomicIo = fs): void {
  const dir = path.dirname(file);
  io.mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  let fd: number | undefined;
  try {
    fd = io.openSync(tmp, 'wx', 0o644);
    let done = 0;
    while (done < bytes.length) done += io.writeSync(fd, bytes, done, bytes.length - done);
    io.fsyncSync(fd);
    io.closeSync(fd);
    fd = undefined;
    io.renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) {
      try {
        io.closeSync(fd);
      } catch {
        /* already failing */
      }
    }
    io.rmSync(tmp, { force: true });
    throw e;
  }
  syncDir(dir, io);
}

/** Makes the rename itself durable where the platform allows it (not on Windows). */
function syncDir(dir: string, io: AtomicIo): void {
  let fd: number | undefined;
  try {
    fd = io.openSync(dir, 'r');
    io.fsyncSync(fd);
  } catch {
    /* best effort */
  } finally {
    if (fd !== undefined) io.closeSync(fd);
  }
}
