/**
 * A fill's checkpoints (SPEC §13): while documents go in, where the source stands
 * — every document before that position is in the instance — is saved at most
 * every `everyMs`, so that a fill killed, interrupted or failed resumes from
 * there. Saving is the caller's (make the writes durable, then record them);
 * saves never overlap, and the last position reached is saved once more at the end.
 */
import type { SourcePosition } from '../sources/position.js';

/** Default interval between two checkpoints of a fill. */
export const CHECKPOINT_EVERY_MS = 10_000;

export interface Reached {
  position: SourcePosition;
  /** Documents in the instance up to `position`. */
  docs: number;
}

export interface Checkpoints {
  /** Every document up to `position` is written (what the bulk writer's onCheckpoint says). */
  reached(r: Reached): void;
  /** The last position reached, saved or not. */
  last(): Reached | null;
  /** Stops saving at intervals and waits for a save under way; a save that failed is thrown here. */
  stop(): Promise<void>;
  /** Saves the last position reached now (unless a save is under way). */
  saveNow(): Promise<void>;
  /** Saves the last position reached when it was not saved yet (after stop). */
  saveLast(): Promise<void>;
  /** Nothing reached is worth resuming from any more (a cancelled task): no more saves. */
  forget(): void;
}

export function checkpoints(opts: { everyMs: number; save: (r: Reached) => Promise<void> }): Checkpoints {
  let latest: Reached | null = null;
  let saved: Reached | null = null;
  let saving: Promise<void> | null = null;
  let failure: { error: unknown } | null = null;
  let forgotten = false;
  const save = (): Promise<void> => {
    const r = latest;
    if (r === null || r === saved || saving || failure || forgotten) return saving ?? Promise.resolve();
    saving = opts
      .save(r)
      .then(
        () => void (saved = r),
        (error: unknown) => void (failure = { error }),
      )
      .finally(() => (saving = null));
    return saving;
  };
  const timer = setInterval(() => void save(), Math.max(10, opts.everyMs));
  timer.unref();
  return {
    reached(r) {
      latest = r;
    },
    last: () => latest,
    async stop() {
      clearInterval(timer);
      if (saving) await saving;
      if (failure) throw failure.error;
    },
    saveNow: () => save(),
    async saveLast() {
      await save();
      if (failure) throw failure.error;
    },
    forget() {
      forgotten = true;
      latest = null;
    },
  };
}
