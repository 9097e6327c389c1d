import { Command, Option } from 'clipanion';
import { EsmCommand } from './base.js';
import { withSession } from './run-session.js';

export class ImportCommand extends EsmCommand {
  static override paths = [['import']];
  static override usage = Command.Usage({
    category: 'Changing',
    description: 'write manifests for the aliases and indices of a live cluster, and adopt them',
    details: `
      Takes over indices no tool created. For each alias or index named (wildcards allowed), or every
      one with \`--all\` (not hidden, not a system index, not esm's own), writes \`<out>/<master>.yaml\`
      (default: the manifests directory) with the settings and mappings as the cluster holds them —
      less what the server owns (uuid, creation date, versions…) and what the index templates matching
      the name give anyway — fields dynamic mapping added declared, \`_meta\` kept but for \`_meta.esm\`,
      and no \`spec.source\` (a comment says how to add one). With an environment prefix it sees only
      names that start with it, and strips it.

      Which master: an alias over exactly one index is the master, the index its active instance
      whatever its name; an index without an alias is the master named like it, less a trailing
      \`-N\` or \`_vN\`. An alias over several indices, a write alias, a filtered or routed alias, a data
      stream, a closed, hidden or system index are skipped with the reason (exit 0; \`--json\` lists
      them under \`skipped\`).

      \`--companions\` writes manifests for the companion objects the masters use too (SPEC §12): the
      ingest pipelines and synonym sets their settings name, the index template that applies to them and
      the component templates it is composed of, and the pipelines and stored scripts those name — under
      \`pipelines/\`, \`synonym-sets/\`, \`scripts/\`, \`index-templates/\`, \`component-templates/\` of the
      output directory, the prefix stripped from names and references. Without it, a master whose
      settings name a companion no manifest declares is skipped with the reason. With \`--adopt\`, the
      companions are adopted too (written again with esm's mark, and recorded).

      Never overwrites a file: when one exists, exit 4 naming it, and nothing is written. Without
      \`--adopt\` nothing changes in the cluster: \`esm plan\` then proposes to adopt each master, and
      \`esm apply\` does it. \`--adopt\` adopts right away: \`_meta.esm\` written into the index (and the
      alias added when there is none); an index used by name (\`products\`) is write-blocked, cloned to
      \`products-1\` and swapped for the alias \`products\` in one \`_aliases\` call — reads go on,
      writes are refused for those seconds, and the result says how long. That needs \`--auto-approve\`
      without a terminal. Afterwards \`esm plan --detailed-exitcode\` exits 0.
    `,
    examples: [
      ['Write a manifest for the alias products', 'esm import products'],
      ['Every index and alias of the cluster, into another directory', 'esm import --all --out imported'],
      ['Indices matching a pattern', "esm import 'logs_*'"],
      ['With the pipelines, templates, scripts and synonym sets it uses', 'esm import products --companions'],
      ['Import and adopt at once (CI)', 'esm import products orders --adopt --auto-approve'],
      ['For scripts: what was written and what was skipped', 'esm import --all --json'],
    ],
  });

  names = Option.Rest({ name: 'alias|index' });
  all = Option.Boolean('--all', false, { description: 'every index and alias that is not hidden, not a system index and not esm\'s own' });
  out = Option.String('--out', { description: 'directory to write the manifests to (default: the manifests directory)' });
  adopt = Option.Boolean('--adopt', false, { description: 'adopt the imported masters now (writes _meta.esm; may clone an index used by name)' });
  autoApprove = Option.Boolean('--auto-approve', false, { description: 'with --adopt: do not ask before cloning an index used by name (required without a terminal)' });
  companions = Option.Boolean('--companions', false, {
    description: 'write manifests for the pipelines, synonym sets, stored scripts and index/component templates the masters use too',
  });
  json = Option.Boolean('--json', false, { description: 'print the result as JSON' });

  async execute(): Promise<number> {
    return withSession(this, {}, async (s) => {
      const [{ importMasters }, { renderImportText, importResultJson }] = await Promise.all([import('../operations/import.js'), import('../render/import-text.js')]);
      const result = await importMasters(s, {
        names: this.names,
        all: this.all,
        outDir: this.out,
        adopt: this.adopt,
        companions: this.companions,
        approve: (plan) => this.approve(plan),
      });
      if (this.json) this.printJson(importResultJson(result));
      else this.print(renderImportText(result, { color: this.context.color }));
      if (result.adoption?.result && !result.adoption.result.ok) {
        const { RuntimeError } = await import('../errors.js');
        const { failureMessage } = await import('../render/apply-result.js');
        throw new RuntimeError(failureMessage(result.adoption.result));
      }
      return 0;
    });
  }

  /** An adoption that clones an index used by name changes what applications use: asked on a terminal, --auto-approve without one. */
  private async approve(plan: import('../plan/types.js').Plan): Promise<void> {
    const clones = plan.masters.filter((m) => m.steps.some((st) => st.op === 'adopt' && st.via === 'clone'));
    if (clones.length === 0 || this.autoApprove) return;
    const { InvalidInputError, RefusedError } = await import('../errors.js');
    const names = clones.map((m) => m.name).join(', ');
    if (!this.context.isTTY) {
      throw new InvalidInputError(
        `adopting ${names} clones an index used by name and swaps it for an alias (writes refused for seconds): without a terminal to confirm on, pass --auto-approve. The manifests are written; esm plan shows the adoption, esm apply --auto-approve runs it`,
      );
    }
    const { renderPlanText } = await import('../render/plan-text.js');
    this.note(renderPlanText(plan, { color: this.context.color }));
    const { confirm } = await import('../render/confirm.js');
    if (!(await confirm(this.context.stdin, this.context.stderr))) {
      throw new RefusedError("adoption cancelled: only 'yes' approves it; the manifests are written, nothing was changed in the cluster");
    }
  }
}
