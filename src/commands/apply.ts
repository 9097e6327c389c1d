import { Command, Option } from 'clipanion';
import { EsmCommand } from './base.js';
import { batchSizeOption, concurrencyOption, fillTuning } from './options.js';
import { withSession } from './run-session.js';

export class ApplyCommand extends EsmCommand {
  static override paths = [['apply']];
  static override usage = Command.Usage({
    category: 'Changing',
    description: 'make the cluster match the manifests: execute a plan',
    details: `
      Computes the plan (as \`esm plan\` shows it) or loads a saved one (\`esm apply FILE\`), shows it,
      asks for confirmation, then executes it master by master: create, fill, catch up, activate (one
      atomic alias swap), update in place, and the retention drops. Every step is recorded in the state
      file with the plan's id.

      On a terminal esm asks "Do you want to perform these actions?" and only \`yes\` approves. Without
      a terminal (CI) \`--auto-approve\` is required.

      A saved plan is refused (exit 4, "saved plan is stale") when the cluster, the state file or a
      manifest changed since it was made. One apply at a time per cluster and prefix: a second one exits
      4 naming the holder of the lock. A master with a conflict blocks the apply (exit 4) before anything
      changes. A failed step stops its master — its alias stays where it was — while the other masters
      go on; esm then exits 1. A killed apply leaves every alias where it was; the next plan resumes.

      \`--no-activate\` is the pre-deployment step: new instances are created and filled, every alias and
      live index stays as it is. The post-deployment \`esm apply\` then catches them up and activates them.
    `,
    examples: [
      ['Plan, confirm and apply', 'esm apply'],
      ['Apply in CI', 'esm apply --auto-approve'],
      ['Apply a saved plan', 'esm plan --out plan.json && esm apply plan.json'],
      ['Pre-deployment: create and fill, activate nothing', 'esm apply --no-activate --auto-approve'],
      ['Apply one master', 'esm apply movies'],
    ],
  });

  args = Option.Rest({ name: 'PLANFILE | master' });
  autoApprove = Option.Boolean('--auto-approve', false, { description: 'do not ask for confirmation (required without a terminal)' });
  noActivate = Option.Boolean('--no-activate', false, { description: 'create and fill only: move no alias, drop nothing' });
  json = Option.Boolean('--json', false, { description: 'print only the result as JSON' });
  batchSize = batchSizeOption();
  concurrency = concurrencyOption();

  async execute(): Promise<number> {
    const { isPlanFileArg, assertNoMastersWithPlanFile } = await import('../operations/apply.js');
    const [first, ...rest] = this.args;
    const planFile = first !== undefined && isPlanFileArg(first, this.context.cwd) ? first : undefined;
    const masters = planFile !== undefined ? rest : this.args;
    assertNoMastersWithPlanFile(planFile, masters);
    const color = this.context.color && !this.json;

    const { withInterrupt } = await import('./interrupt.js');
    return withInterrupt((signal) =>
      withSession(this, { signal }, async (s) => {
        const [{ withApplyLock, preparePlan, assertNotBlocked }, { hasChanges }, { renderPlanText }] = await Promise.all([
          import('../operations/apply.js'),
          import('../plan/types.js'),
          import('../render/plan-text.js'),
        ]);
        return withApplyLock(s, async (lock) => {
          const { plan, manifests } = await preparePlan(s, { ...(planFile !== undefined ? { planFile } : {}), only: masters });
          // Terraform shows the plan on stdout; with --json stdout holds only the result.
          // With --no-activate the plan shown leaves out what the pre-deployment run skips.
          const { preDeploymentPlan } = await import('../apply/pre-deployment.js');
          const shown = renderPlanText(this.noActivate ? preDeploymentPlan(plan) : plan, { color });
          if (!this.json) this.print(shown);
          assertNotBlocked(plan);
          if (!hasChanges(plan)) {
            if (this.json) this.printJson({ planId: plan.planId, masters: [], ok: true });
            return 0;
          }
          await this.approve(shown, signal);

          const { executeWithProgress } = await import('./run-plan.js');
          const result = await executeWithProgress(this.context, s, plan, manifests, {
            json: this.json,
            lock,
            noActivate: this.noActivate,
            ...fillTuning(this),
          });
          const { renderApplyText, applyResultJson, failureMessage } = await import('../render/apply-result.js');
          if (this.json) this.printJson(applyResultJson(result));
          else this.print(renderApplyText(result, { color, noActivate: this.noActivate }));
          if (!result.ok) {
            const { RuntimeError } = await import('../errors.js');
            throw new RuntimeError(failureMessage(result, { interrupted: signal.aborted }));
          }
          return 0;
        });
      }),
    );
  }

  /** On a terminal: ask. Without one: --auto-approve is required (exit 3). */
  private async approve(shown: string, signal: AbortSignal): Promise<void> {
    if (this.autoApprove) return;
    const { InvalidInputError, RefusedError } = await import('../errors.js');
    if (!this.context.isTTY) {
      throw new InvalidInputError(
        'esm apply needs --auto-approve when there is no terminal to confirm on (CI): review the plan, then run esm apply --auto-approve (or save it with esm plan --out FILE and run esm apply FILE --auto-approve)',
      );
    }
    if (this.json) this.note(shown);
    const { confirm } = await import('../render/confirm.js');
    if (!(await confirm(this.context.stdin, this.context.stderr, undefined, signal))) {
      throw new RefusedError("apply cancelled: only 'yes' approves the plan; nothing was changed");
    }
  }
}
