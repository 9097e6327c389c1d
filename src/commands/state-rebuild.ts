import { Command, Option } from 'clipanion';
import { EsmCommand } from './base.js';
import { withSession } from './run-session.js';

export class StateRebuildCommand extends EsmCommand {
  static override paths = [['state', 'rebuild']];
  static override usage = Command.Usage({
    category: 'Changing',
    description: "rebuild the state file's masters and instances from the cluster",
    details: `
      Reads every index esm created under the prefix (\`_meta.esm\`: master, number, fingerprint,
      creation time, commit, fill and update times) and the masters' aliases (the active instance), and
      replaces the masters and instances recorded in the state file with them. The journal of actions is
      kept, and a \`state_rebuild\` action is added. Needs no manifests.

      A damaged or foreign state file is refused (exit 1) and left untouched: move it away, then run
      \`esm state rebuild\` again to start a fresh one from the cluster.
    `,
    examples: [
      ['Rebuild .esm/state.sqlite from the cluster', 'esm state rebuild'],
      ['Start a fresh state file for the qa1_ environment', 'esm state rebuild --prefix qa1_ --state qa1.sqlite'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'print the result as JSON' });

  async execute(): Promise<number> {
    return withSession(this, {}, async (s) => {
      const { rebuildState } = await import('../operations/rebuild.js');
      const result = await rebuildState(s);
      if (this.json) {
        this.printJson(result);
        return 0;
      }
      const instances = result.masters.reduce((n, m) => n + m.instances.length, 0);
      this.print(
        `rebuilt ${s.config.statePath}: ${result.masters.length} master${result.masters.length === 1 ? '' : 's'}, ${instances} instance${instances === 1 ? '' : 's'} (was ${result.before.masters} and ${result.before.instances})`,
      );
      for (const m of result.masters) {
        this.print(`  ${m.name}: ${m.instances.join(', ')}; active ${m.active ?? 'none'}`);
        for (const c of m.conflicts) this.note(`warning: ${c}`);
      }
      return 0;
    });
  }
}
