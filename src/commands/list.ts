import { Command, Option } from 'clipanion';
import { EsmCommand } from './base.js';
import { withSession } from './run-session.js';

export class ListCommand extends EsmCommand {
  static override paths = [['list']];
  static override usage = Command.Usage({
    category: 'Read-only',
    description: 'show every master, its alias, active instance and instances',
    details: `
      For each master declared by a manifest, and each orphan (a master esm created in the cluster that
      no manifest declares any more): the alias, the active instance, the manifest's fingerprint, and
      per instance its documents, fingerprint (short), status (\`active\`, \`filled\` or \`unfilled\`),
      creation time, git commit and whether it has the manifest's fingerprint (\`CURRENT\`). When an
      apply holds the lock of the prefix (or a lock whose release failed is left), who holds it, since
      when and until when.

      Never changes the cluster or the state file. \`--es-only\` ignores the state file entirely and
      shows only what the cluster's aliases and \`_meta.esm\` say (it works without a state file, and
      without a manifests directory: the manifests only add which instances are current).

      \`--json\`: \`{ "masters": [ { "name", "alias", "fingerprint", "active", "instances": [ { "name",
      "number", "fingerprint", "active", "docs", "status", "createdAt", "commit", "current" } ] } ],
      "lock": null | { "holder", "pid", "host", "startedAt", "expiresAt", "command" } }\`.
    `,
    examples: [
      ['List every master', 'esm list'],
      ['Only movies and books', 'esm list movies books'],
      ['What the cluster alone says', 'esm list --es-only'],
      ['For scripts', 'esm list --json'],
    ],
  });

  masterNames = Option.Rest({ name: 'master' });
  esOnly = Option.Boolean('--es-only', false, { description: 'ignore the state file: only the cluster' });
  json = Option.Boolean('--json', false, { description: 'print the result as JSON' });

  async execute(): Promise<number> {
    return withSession(this, { readOnly: true }, async (s) => {
      const { listMasters, listingJson } = await import('../operations/list.js');
      const listing = await listMasters(s, { only: this.masterNames, esOnly: this.esOnly });
      if (this.json) this.printJson(listingJson(listing));
      else {
        const { renderListText } = await import('../render/list-text.js');
        this.print(renderListText(listing, { color: this.context.color }));
      }
      return 0;
    });
  }
}
