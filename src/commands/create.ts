import { Command, Option } from 'clipanion';
import { EsmCommand } from './base.js';
import { withSession } from './run-session.js';

export class CreateCommand extends EsmCommand {
  static override paths = [['create']];
  static override usage = Command.Usage({
    category: 'Changing',
    description: 'create a new instance of a master from its manifest',
    details: `
      Creates \`<prefix><master>-<N+1>\` with the manifest's settings and mappings and \`_meta.esm\`.
      When an instance already has the manifest's fingerprint, nothing is created (and esm says so),
      unless \`--force\` is given. The new instance is empty and not active: fill it with
      \`esm update <master>-<N> --full\` (or \`esm update <master> --newer\`), then \`esm activate\`.
    `,
    examples: [
      ['Create the next instance of movies', 'esm create movies'],
      ['Create one even if an instance already matches', 'esm create movies --force'],
    ],
  });

  master = Option.String({ name: 'master' });
  force = Option.Boolean('--force', false, { description: 'create even when an instance already has the fingerprint' });
  json = Option.Boolean('--json', false, { description: 'print the result as JSON' });

  async execute(): Promise<number> {
    return withSession(this, {}, async (s) => {
      const { createInstance } = await import('../operations/create.js');
      const result = await createInstance(s, await s.manifest(this.master), { force: this.force });
      if (this.json) this.printJson(result);
      else this.print(result.message);
      return 0;
    });
  }
}
