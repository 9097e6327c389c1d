/**
 * Writing a file so that a crash never leaves it half-written: the bytes go to
 * `<file>.tmp-<pid>-<random>` in the same directory, are flushed to disk, then
 * renamed over the target (a rename within a directory is atomic). The new
 * file gets the mode and (when the process may set it, e.g. as root) the owner
 * of the file it replaces, so that a 0600 file stays 0600 and root rewriting
 * another user's file leaves it theirs.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import path from 'node:path';

/** The file-system calls used, replaceable to inject faults in tests. */
export type AtomicIo = Pick<
  typeof fs,
  'mkdirSync' | 'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'rmSync' | 'statSync' | 'fchmodSync' | 'fchownSync'
>;

export function writeFileAtomic(file: string, bytes: Uint8Array, io: AtomicIo = fs): void {
  const dir = path.dirname(file);
  io.mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  const old = io.statSync(file, { throwIfNoEntry: false });
  let fd: number | undefined;
  try {
    fd = io.openSync(tmp, 'wx', 0o644);
    if (old) {
      io.fchmodSync(fd, old.mode & 0o7777);
      if (old.uid !== process.getuid?.() || old.gid !== process.getgid?.()) keepOwner(io, fd, old);
    }
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

/** Give the new file the old one's owner; only root (or the owner, for the group) may, so EPERM leaves it as it is. */
function keepOwner(io: AtomicIo, fd: number, old: fs.Stats): void {
  try {
    io.fchownSync(fd, old.uid, old.gid);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
  }
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
