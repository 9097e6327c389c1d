import { Command, Option } from 'clipanion';
import { EsmCommand } from './base.js';
import { batchSizeOption, concurrencyOption, fillTuning, parallelismOption, waitTimeout, waitTimeoutOption } from './options.js';
import { reportApply, withProgress } from './run-plan.js';
import { stopSignalOf, type StopSignal } from '../errors.js';

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
  parallelism = parallelismOption();
  waitTimeout = waitTimeoutOption();

  async execute(): Promise<number> {
    const [{ resetCluster }, { renderPlanText }] = await Promise.all([import('../apply/apply-plan.js'), import('../render/plan-text.js')]);
    const color = this.context.color && !this.json;
    const waiting = await waitTimeout(this.waitTimeout);
    let stopped = (): StopSignal | null => null;
    const { dropped, result } = await withProgress(this, this.json ? 'json' : 'human', (s, signal, startProgress) => (
      (stopped = () => stopSignalOf(signal)),
      resetCluster(s, {
        confirm: this.confirm,
        ...fillTuning(this),
        ...waiting,
        onDropped: (names) => this.json || this.print(names.length ? `Dropped ${names.length} managed ${names.length === 1 ? 'index' : 'indices'}: ${names.join(', ')}\n` : 'No managed index to drop.\n'),
        onPlan: (plan) => this.json || this.print(renderPlanText(plan, { color })),
        approve: startProgress,
      })
    ));
    return reportApply(this, result, { mode: this.json ? 'json' : 'human', color, extra: { dropped }, stopped: stopped() });
  }
}
