/**
 * `esm lock release`: the apply lock of the environment prefix, taken over
 * deliberately by an operator whose CI runner died (a dead runner on another
 * host leaves a lock no pid check can clear before it expires). Without
 * `force` it only says who holds the lock; with it, the lock is deleted and the
 * release is recorded as a `lock_release` action.
 */
import { RefusedError } from '../errors.js';
import { holderWords, type LockDoc } from '../cluster/lock.js';
import type { Session } from './session.js';

export interface LockReleaseResult {
  prefix: string;
  /** The lock removed, or null when none was held. */
  released: LockDoc | null;
}

export async function releaseLock(s: Session, opts: { force: boolean }): Promise<LockReleaseResult> {
  const cluster = await s.cluster();
  const held = await cluster.currentLock(s.prefix);
  if (!held) return { prefix: s.prefix, released: null };
  if (!opts.force) {
    throw new RefusedError(
      `the apply lock for prefix "${s.prefix}" is held by ${holderWords(held, s.now())}. ` +
        'Releasing it lets another apply start while that one may still be running: if it is surely gone, pass --force',
    );
  }
  const released = await s.record({ action: 'lock_release' }, () => cluster.forceReleaseLock(s.prefix));
  return { prefix: s.prefix, released };
}
