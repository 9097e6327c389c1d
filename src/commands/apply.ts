import { Command, Option } from 'clipanion';
import { EsmCommand } from './base.js';
import { batchSizeOption, concurrencyOption, fillTuning, parallelismOption, waitTimeout, waitTimeoutOption } from './options.js';
import { reportApply, withProgress } from './run-plan.js';
import { stopSignalOf, type StopSignal } from '../errors.js';

export class ApplyCommand extends EsmCommand {
  static override paths = [['apply']];
  static override usage = Command.Usage({
    category: 'Changing',
    description: 'make the cluster match the manifests: execute a plan',
    details: `
      Computes the plan (as \`esm plan\` shows it) or loads a saved one (\`esm apply FILE\`), shows it,
      asks for confirmation, then executes it master by master: create, fill, catch up, activate (one
      atomic alias swap), update in place, and the retention drops. Up to \`--parallelism\` masters
      (default 4) run side by side; a master whose source reindexes from another master starts only
      after that one finished, and is skipped when it failed. Every step is recorded in the state
      file with the plan's id.

      On a terminal esm asks "Do you want to perform these actions?" and only \`yes\` approves. Without
      a terminal (CI) \`--auto-approve\` is required.

      A saved plan is refused (exit 4, "saved plan is stale") when the cluster, the state file or a
      manifest changed since it was made. One apply at a time per cluster and prefix: a second one exits
      4 naming the holder of the lock. A master with a conflict blocks the apply (exit 4) before anything
      changes. A failed step stops its master — its alias stays where it was — while the other masters
      go on; esm then exits 1. A killed apply leaves every alias where it was; the next plan resumes
      (a fill from its last checkpoint: "resume fill of movies-2 from 30,000").

      Ctrl-C (SIGINT) or SIGTERM stops at a safe point: esm says "stopping…" at once, the requests in
      flight finish, each fill records where it stopped, nothing more starts and no alias moves; the
      unfinished actions are recorded \`aborted\` and esm exits 130 (143 for SIGTERM). A second signal
      exits at once.

      \`--no-activate\` is the pre-deployment step: new instances are created and filled, every alias and
      live index stays as it is. The post-deployment \`esm apply\` then catches them up and activates them.

      A new instance is filled with no replicas and no refreshes; then the manifest's values are set back,
      and before its activation esm waits until it is green (every primary and replica shard active), at
      most \`--wait-timeout\` (default 30m): past it the master fails and its alias stays where it was. Where
      the cluster can never place the replicas (one node, 1 replica) the plan warns and the wait is for yellow.

      \`--json\` prints one document at the end; \`--events\` prints NDJSON on stdout instead, one object a
      line as things happen (\`step_started\`, \`progress\` at most once a second per step, \`step_done\`,
      \`step_failed\`, \`warning\`, and a final \`done\` with what --json prints), each with \`event\`, \`time\`,
      \`master\`, \`step\`, \`index\`, \`docs\`, \`total\`, \`docsPerSecond\` and \`message\` (schemas/events.schema.json).
      A failure adds \`error\` to that document: \`{ "code", "exitCode", "message", "file", "line", "column" }\`.

      Companion objects (ingest pipelines, synonym sets, stored scripts, index and component templates)
      are written first, each before what names it; a master that uses one that failed is not run. An
      object esm created that no manifest declares any more is an orphan: kept, and deleted only with
      \`--prune\` (with a saved plan: \`esm plan --prune --out FILE\`). With \`--no-activate\` only new
      companions are created; changes to existing ones wait for the post-deployment apply.
    `,
    examples: [
      ['Plan, confirm and apply', 'esm apply'],
      ['Apply in CI', 'esm apply --auto-approve'],
      ['Stream progress to a deploy job or a dashboard', 'esm apply --auto-approve --events'],
      ['Apply a saved plan', 'esm plan --out plan.json && esm apply plan.json'],
      ['Pre-deployment: create and fill, activate nothing', 'esm apply --no-activate --auto-approve'],
      ['Apply one master', 'esm apply movies'],
      ['Also delete companion objects no manifest declares any more', 'esm apply --prune --auto-approve'],
      ['Give a big cluster two hours to place the replicas', 'esm apply --auto-approve --wait-timeout 2h'],
    ],
  });

  args = Option.Rest({ name: 'PLANFILE | master' });
  autoApprove = Option.Boolean('--auto-approve', false, { description: 'do not ask for confirmation (required without a terminal)' });
  noActivate = Option.Boolean('--no-activate', false, { description: 'create and fill only: move no alias, drop nothing' });
  prune = Option.Boolean('--prune', false, { description: 'delete the companion objects esm created that no manifest declares any more' });
  json = Option.Boolean('--json', false, { description: 'print only the result as JSON' });
  events = Option.Boolean('--events', false, { description: 'stream NDJSON events on stdout as the apply runs, ending with a `done` event that carries the --json result' });
  batchSize = batchSizeOption();
  concurrency = concurrencyOption();
  parallelism = parallelismOption();
  waitTimeout = waitTimeoutOption();

  async execute(): Promise<number> {
    const [{ applyPlan, isPlanFileArg }, { preDeploymentPlan }, { renderPlanText }] = await Promise.all([
      import('../apply/apply-plan.js'),
      import('../apply/pre-deployment.js'),
      import('../render/plan-text.js'),
    ]);
    const [first, ...rest] = this.args;
    const planFile = first !== undefined && isPlanFileArg(first, this.context.cwd) ? first : undefined;
    const waiting = await waitTimeout(this.waitTimeout);
    const { outputMode } = await import('./progress.js');
    const mode = outputMode(this);
    const machine = mode !== 'human';
    const color = this.context.color && !machine;
    let shown = '';
    let stopped = (): StopSignal | null => null;
    const { result } = await withProgress(this, mode, (s, signal, startProgress) => (
      (stopped = () => stopSignalOf(signal)),
      applyPlan(s, {
        ...(planFile !== undefined ? { planFile, only: rest } : { only: this.args }),
        noActivate: this.noActivate,
        ...(this.prune ? { prune: true } : {}),
        ...fillTuning(this),
        ...waiting,
        // Terraform shows the plan on stdout (with --no-activate, without what the pre-deployment run skips);
        // with --json / --events stdout holds only the result.
        onPlan: (plan) => ((shown = renderPlanText(this.noActivate ? preDeploymentPlan(plan) : plan, { color })), machine || this.print(shown)),
        approve: async (plan) => {
          await this.approve(shown, signal, machine);
          await startProgress(plan);
        },
      })
    ));
    return reportApply(this, result, { mode, color, noActivate: this.noActivate, stopped: stopped() });
  }

  /** On a terminal: ask. Without one: --auto-approve is required (exit 3). */
  private async approve(shown: string, signal: AbortSignal, machine: boolean): Promise<void> {
    if (this.autoApprove) return;
    const { InvalidInputError, CancelledError } = await import('../errors.js');
    if (!this.context.isTTY) {
      throw new InvalidInputError(
        'esm apply needs --auto-approve when there is no terminal to confirm on (CI): review the plan, then run esm apply --auto-approve (or save it with esm plan --out FILE and run esm apply FILE --auto-approve)',
      );
    }
    if (machine) this.note(shown);
    const { confirm } = await import('../render/confirm.js');
    if (!(await confirm(this.context.stdin, this.context.stderr, undefined, signal))) {
      throw new CancelledError("apply cancelled: only 'yes' approves the plan; nothing was changed");
    }
  }
}
