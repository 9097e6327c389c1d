/**
 * Every run leaves a row (SPEC §8): a run that fails before its first action —
 * while taking the apply lock, or while planning — is recorded as one failed
 * `lock` or `plan` action carrying the error. Not recorded: mistakes in the
 * input (exit 3, nothing was tried), a declined confirmation, and a state file
 * that is itself the problem.
 */
import { CancelledError, InvalidInputError, StateError } from '../errors.js';
import type { ActionDetail } from '../history/types.js';
import type { Session } from './session.js';

/** Records `error` as a failed `action`; never throws (the run's own error is what the user must see). */
export async function recordFailedRun(s: Session, action: 'plan' | 'lock', error: unknown, detail?: ActionDetail): Promise<void> {
  if (error instanceof InvalidInputError || error instanceof CancelledError || error instanceof StateError) return;
  try {
    const store = await s.store();
    store.recordFailure(
      { action, argv: s.argv, commit: await s.commit(), actor: s.actor, planId: s.planId, ...(detail ? { detail } : {}) },
      error instanceof Error ? error.message : String(error),
    );
  } catch {
    // The state file cannot take it (unwritable, replaced…): the run's error stands alone.
  }
}
