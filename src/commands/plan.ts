import { Command, Option } from 'clipanion';
import { resolve } from 'node:path';
import { InvalidInputError } from '../errors.js';
import { EsmCommand } from './base.js';
import { withSession } from './run-session.js';

export class PlanCommand extends EsmCommand {
  static override paths = [['plan']];
  static override usage = Command.Usage({
    category: 'Read-only',
    description: 'show what apply would change to make the cluster match the manifests',
    details: `
      Compares the manifests with the cluster (aliases, instances and their \`_meta.esm\`) and the state
      file, and shows per master what \`esm apply\` would do: create a first instance, nothing, catch up
      and activate a pre-created instance, update the active instance in place, replace it with a
      new instance, or adopt an index esm did not create that matches its manifest (after esm import) —
      with the reasons (the changed paths). Companion objects (ingest pipelines, synonym sets, stored
      scripts, index and component templates) are planned too: create, update (the changed paths),
      adopt, no change, or orphan (\`--prune\` plans its deletion); before anything is written, pipelines
      run on up to 5 documents of the masters' sources, synonym rules and templates are checked by the
      engine. Never changes the cluster or the state file.

      \`--out FILE\` saves the plan; \`esm apply FILE\` then performs exactly it, and refuses when the
      cluster or the state changed in between ("saved plan is stale").

      \`--detailed-exitcode\`: exit 0 when there are no changes, 2 when there are (blocked masters
      count), 1 on error.

      \`--offline --base <git-ref>\`: no cluster at all; compares the manifests at \`<git-ref>\` with the
      working tree and tells which masters would need a new instance (for pull-request checks). The
      state file, when there is one, is only read: per master the documents of its last fill and, for a
      replace, the fill estimate, from the history.
    `,
    examples: [
      ['Plan every master', 'esm plan'],
      ['Plan one master and save the plan', 'esm plan movies --out movies.plan.json'],
      ['Fail a CI job step when something would change', 'esm plan --detailed-exitcode'],
      ['A pull-request comment without a cluster', 'esm plan --offline --base origin/main --markdown'],
    ],
  });

  masters = Option.Rest({ name: 'master' });
  out = Option.String('--out', { description: 'save the plan to this file, for esm apply FILE' });
  json = Option.Boolean('--json', false, { description: 'print the plan as JSON' });
  markdown = Option.Boolean('--markdown', false, { description: 'print the plan as markdown (a pull-request comment)' });
  detailedExitcode = Option.Boolean('--detailed-exitcode', false, { description: 'exit 2 when the plan has changes' });
  offline = Option.Boolean('--offline', false, { description: 'no cluster: compare the manifests at --base with the working tree' });
  base = Option.String('--base', { description: 'git ref to compare with (with --offline), e.g. origin/main' });
  prune = Option.Boolean('--prune', false, { description: 'plan the deletion of companion objects no manifest declares any more (for --out)' });

  async execute(): Promise<number> {
    if (this.json && this.markdown) throw new InvalidInputError('--json and --markdown cannot be used together');
    const color = this.context.color;
    if (this.offline || this.base !== undefined) return this.executeOffline(color);

    return withSession(this, { readOnly: true }, async (s) => {
      const { computePlan } = await import('../operations/plan.js');
      const { hasChanges, isBlocked } = await import('../plan/types.js');
      if (this.out !== undefined) {
        const { assertPlanTarget } = await import('../planfile/index.js');
        await assertPlanTarget(resolve(this.context.cwd, this.out), this.out);
      }
      const plan = await computePlan(s, { only: this.masters, ...(this.prune ? { prune: true } : {}) });
      // Saved before it is printed: a plan that could not be saved is a failure, and its document the error.
      if (this.out !== undefined) {
        const { savePlan } = await import('../planfile/index.js');
        await savePlan(resolve(this.context.cwd, this.out), plan, this.out);
      }
      if (this.json) {
        const { renderPlanJson } = await import('../render/plan-json.js');
        this.print(renderPlanJson(plan));
        this.documentWritten = true;
      } else if (this.markdown) {
        const { renderPlanMarkdown } = await import('../render/plan-markdown.js');
        this.print(renderPlanMarkdown(plan));
      } else {
        const { renderPlanText } = await import('../render/plan-text.js');
        this.print(renderPlanText(plan, { color }));
      }
      if (this.out !== undefined) {
        const how = `Saved the plan to ${this.out}. To perform exactly these actions, run:\n    esm apply ${this.out}`;
        // With --json / --markdown stdout holds only the document.
        if (this.json || this.markdown) this.note(how);
        else this.print(`\n${how}`);
      }
      const changes = hasChanges(plan) || isBlocked(plan);
      return this.detailedExitcode && changes ? 2 : 0;
    });
  }

  private async executeOffline(color: boolean): Promise<number> {
    if (!this.offline) throw new InvalidInputError('--base is used with --offline (esm plan --offline --base origin/main)');
    if (this.base === undefined) throw new InvalidInputError('--offline needs --base <git-ref>, e.g. esm plan --offline --base origin/main');
    if (this.out !== undefined) throw new InvalidInputError('--out saves a plan for esm apply, which needs a cluster: it cannot be used with --offline');
    if (this.masters.length) throw new InvalidInputError('--offline compares every manifest; do not name masters');
    const config = await this.config();
    const { computeOfflinePlan, offlineHasChanges } = await import('../operations/plan.js');
    const plan = await computeOfflinePlan(config, this.base, { warn: (message) => this.note(message) });
    if (this.json) {
      const { renderOfflinePlanJson } = await import('../render/plan-json.js');
      this.print(renderOfflinePlanJson(plan));
      this.documentWritten = true;
    } else if (this.markdown) {
      const { renderOfflinePlanMarkdown } = await import('../render/offline-plan-markdown.js');
      this.print(renderOfflinePlanMarkdown(plan));
    } else {
      const { renderOfflinePlanText } = await import('../render/offline-plan-text.js');
      this.print(renderOfflinePlanText(plan, { color }));
    }
    return this.detailedExitcode && offlineHasChanges(plan) ? 2 : 0;
  }
}
