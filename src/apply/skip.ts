/** Why the executor did not run a step: typed, so that nothing branches on text; words for people beside them. */
import { assertNever } from '../errors.js';

export type SkipReason =
  /** An earlier step of the same master failed: its alias stays where it was. */
  | 'earlier_step_failed'
  /** The master this one reindexes from failed: its source is not there to read. */
  | 'source_failed'
  /** A companion object this master uses (a pipeline, a synonym set…) failed: it is not created against a missing one. */
  | 'companion_failed'
  /** The run was stopped (Ctrl-C) before this step. */
  | 'interrupted'
  /** `--no-activate`: no alias moves and nothing is dropped. */
  | 'no_activate'
  /** `--no-activate`: the live (active) instance is not re-filled. */
  | 'no_activate_live'
  /** `--no-activate`: an in-place change would alter the live instance. */
  | 'no_activate_in_place'
  /** `--no-activate`: adopting an index used by name swaps it for an alias. */
  | 'no_activate_adopt';

export const NO_ACTIVATE = '--no-activate';

/** `source`: the master a `source_failed` master reindexes from, the companion (`IngestPipeline/x`) a `companion_failed` one uses. */
export function skipWords(reason: SkipReason, index: string, source?: string): string {
  switch (reason) {
    case 'earlier_step_failed':
      return 'an earlier step of this master failed';
    case 'source_failed':
      return `master ${source ?? '?'}, which this master reindexes from, failed`;
    case 'companion_failed':
      return `${(source ?? '?').replace('/', ' ')}, which this master uses, failed`;
    case 'interrupted':
      return 'interrupted';
    case 'no_activate':
      return NO_ACTIVATE;
    case 'no_activate_live':
      return `${NO_ACTIVATE} (${index} is the live instance)`;
    case 'no_activate_in_place':
      return `${NO_ACTIVATE} (an in-place change alters the live instance)`;
    case 'no_activate_adopt':
      return `${NO_ACTIVATE} (adopting ${index} swaps the index applications use for an alias)`;
    default:
      return assertNever(reason, 'skip reason');
  }
}
