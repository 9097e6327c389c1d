import { Command, Option } from 'clipanion';
import { EsmCommand } from './base.js';
import { withSession } from './run-session.js';

export class ClearCommand extends EsmCommand {
  static override paths = [['clear']];
  static override usage = Command.Usage({
    category: 'Changing',
    description: 'remove every document of an instance, keeping its schema',
    details: `
      Deletes all documents of the master's active instance, or of the instance named (\`movies-2\` or
      \`movies 2\`). Settings, mappings and the alias stay. The instance then counts as never filled:
      the next \`esm update\` sends every document again, and activating it needs a fill first.

      There is NO confirmation prompt. The active instance is refused (exit 4) unless \`--force\`, as
      \`esm drop\` does: readers would see an empty index until it is filled again. Recorded as a
      \`clear\` action with the number of documents deleted.
    `,
    examples: [
      ['Empty the active instance of movies (readers see no documents until the next fill)', 'esm clear movies --force'],
      ['Empty instance 2', 'esm clear movies-2'],
      ['The same, as master then number', 'esm clear movies 2'],
    ],
  });

  target = Option.String({ name: 'master|instance' });
  number = Option.String({ name: 'number', required: false });
  force = Option.Boolean('--force', false, { description: 'clear the active instance too' });
  json = Option.Boolean('--json', false, { description: 'print the result as JSON' });

  async execute(): Promise<number> {
    return withSession(this, {}, async (s) => {
      const { parseTarget } = await import('../operations/names.js');
      const { knownNames } = await import('../operations/list.js');
      const { clearInstance } = await import('../operations/clear.js');
      const { masters, foreign } = await knownNames(s);
      const target = parseTarget(s.prefix, this.number === undefined ? [this.target] : [this.target, this.number], masters, foreign);
      const result = await clearInstance(s, target.master, target.kind === 'instance' ? target.number : null, { force: this.force });
      if (this.json) this.printJson(result);
      else this.print(`cleared ${result.index}: ${result.deleted} document${result.deleted === 1 ? '' : 's'} deleted`);
      return 0;
    });
  }
}
