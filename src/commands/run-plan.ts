/** Executes a plan with the progress display of the context: shared by `esm apply` and `esm reset`. */
import type { ApplyResult, ExecuteOptions } from '../apply/executor.js';
import type { Lock } from '../cluster/index.js';
import type { Manifest } from '../manifest/types.js';
import type { Session } from '../operations/session.js';
import type { Plan } from '../plan/types.js';
import type { EsmContext } from './base.js';

export async function executeWithProgress(
  ctx: EsmContext,
  s: Session,
  plan: Plan,
  manifests: Manifest[],
  opts: { json: boolean; lock: Lock } & Omit<ExecuteOptions, 'checkpoint'>,
): Promise<ApplyResult> {
  const { json, lock, ...execute } = opts;
  const [{ progressSink }, { executePlan }, { silent }] = await Promise.all([
    import('./progress.js'),
    import('../apply/executor.js'),
    import('../apply/events.js'),
  ]);
  const sink = await progressSink(ctx, { json, masters: plan.masters.filter((m) => m.steps.length > 0).map((m) => m.name) });
  s.bindEmit(sink.emit);
  let result: ApplyResult;
  try {
    result = await executePlan(s, plan, manifests, { ...execute, checkpoint: () => lock.assertHeld() });
  } finally {
    s.bindEmit(silent);
    await sink.finish();
  }
  // Another apply took the lock over (ours had expired): that is a refusal (exit 4), not a step's failure.
  if (lock.lost) throw lock.lost;
  return result;
}
