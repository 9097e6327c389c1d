import { Command, Option } from 'clipanion';
import { EsmCommand } from './base.js';
import { batchSizeOption, concurrencyOption, fillTuning } from './options.js';
import { withSession } from './run-session.js';

export class ResetCommand extends EsmCommand {
  static override paths = [['reset']];
  static override usage = Command.Usage({
    category: 'Changing',
    description: 'drop every managed index and the state, then create everything from the manifests',
    details: `
      The old es_dangerous_reset. Deletes every index esm created under the prefix (those carrying
      \`_meta.esm\`; foreign indices are never touched), forgets masters and instances in the state file
      (the journal of actions is kept, with a \`reset\` action), then plans and applies from the
      manifests: create, fill and activate every master.

      \`--confirm\` must be the cluster's name (as \`_cluster/health\` reports it): that is the approval,
      no other confirmation is asked. Holds the apply lock while it works.
    `,
    examples: [['Reset the cluster named dev-search', 'esm reset --confirm dev-search']],
  });

  confirm = Option.String('--confirm', { description: "the cluster's name: the approval of the reset" });
  json = Option.Boolean('--json', false, { description: 'print only the result as JSON' });
  batchSize = batchSizeOption();
  concurrency = concurrencyOption();

  async execute(): Promise<number> {
    const color = this.context.color && !this.json;
    const { withInterrupt } = await import('./interrupt.js');
    return withInterrupt((signal) =>
      withSession(this, { signal }, async (s) => {
        const { assertResetConfirmed, resetManaged } = await import('../operations/reset.js');
        const { withApplyLock, assertNotBlocked } = await import('../operations/apply.js');
        // Manifests first: a reset with broken manifests would drop everything and create nothing.
        const manifests = await s.manifests();
        await assertResetConfirmed(s, this.confirm);
        const { computePlan } = await import('../operations/plan.js');
        return withApplyLock(s, async (lock) => {
          // A conflict (a foreign index or alias on a master's name) survives the reset: refuse before dropping.
          assertNotBlocked(await computePlan(s));
          const { dropped } = await resetManaged(s);
          if (!this.json) this.print(dropped.length ? `Dropped ${dropped.length} managed ${dropped.length === 1 ? 'index' : 'indices'}: ${dropped.join(', ')}\n` : 'No managed index to drop.\n');
          const plan = await computePlan(s);
          if (!this.json) {
            const { renderPlanText } = await import('../render/plan-text.js');
            this.print(renderPlanText(plan, { color }));
          }
          assertNotBlocked(plan);
          const { executeWithProgress } = await import('./run-plan.js');
          const result = await executeWithProgress(this.context, s, plan, manifests, {
            json: this.json,
            lock,
            ...fillTuning(this),
          });
          const { renderApplyText, applyResultJson, failureMessage } = await import('../render/apply-result.js');
          if (this.json) this.printJson({ dropped, ...(applyResultJson(result) as object) });
          else if (result.masters.length) this.print(renderApplyText(result, { color }));
          if (!result.ok) {
            const { RuntimeError } = await import('../errors.js');
            throw new RuntimeError(failureMessage(result, { interrupted: signal.aborted }));
          }
          return 0;
        });
      }),
    );
  }
}
