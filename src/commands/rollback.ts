import { Command, Option } from 'clipanion';
import { EsmCommand } from './base.js';
import { waitTimeout, waitTimeoutOption } from './options.js';
import { withSession } from './run-session.js';

export class RollbackCommand extends EsmCommand {
  static override paths = [['rollback']];
  static override usage = Command.Usage({
    category: 'Changing',
    description: 'activate the instance that was active before the current one',
    details: `
      Looks up the journal for the latest completed activation of another instance of the master that
      still exists, says how it differs from the active one (its fingerprint against the manifest, its
      documents, its last update), and swaps the alias back to it (one atomic \`_aliases\` call). Run it twice to
      come back. The same checks as \`esm activate\` apply (never filled, minDocRatio); \`--force\` skips
      them. Refused (exit 4) when no earlier active instance is recorded or it was dropped. Like
      \`esm activate\`, it waits for the instance to be green first (\`--wait-timeout\`, default 30m).
    `,
    examples: [
      ['Go back to the previous instance of movies', 'esm rollback movies'],
      ['Even if it holds fewer documents', 'esm rollback movies --force'],
    ],
  });

  master = Option.String({ name: 'master' });
  force = Option.Boolean('--force', false, { description: 'skip the "filled" and minDocRatio checks' });
  json = Option.Boolean('--json', false, { description: 'print the result as JSON' });
  waitTimeout = waitTimeoutOption();

  async execute(): Promise<number> {
    const waiting = await waitTimeout(this.waitTimeout);
    return withSession(this, {}, async (s) => {
      const onWait = this.waitNotes(this.waitTimeout);
      const { rollback } = await import('../operations/activate.js');
      // How the instance differs is said before the alias moves.
      const onDifferences = (lines: string[]) => {
        if (!this.json) for (const line of lines) this.print(line);
      };
      const result = await rollback(s, await s.manifest(this.master), { force: this.force, onDifferences, onWait, ...waiting });
      if (this.json) this.printJson(result);
      else this.print(result.message);
      return 0;
    });
  }
}
