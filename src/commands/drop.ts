import { Command, Option } from 'clipanion';
import { EsmCommand } from './base.js';
import { withSession } from './run-session.js';

export class DropCommand extends EsmCommand {
  static override paths = [['drop']];
  static override usage = Command.Usage({
    category: 'Changing',
    description: 'delete instances (indices) of a master',
    details: `
      Deletes the named instances: \`movies-1\`, several at once (\`movies-1 movies-2\`), or as master then
      numbers (\`movies 1 2\`). With \`--older\`, the only argument is a master and every instance older
      than its active one is deleted. Instances of an orphan master (no manifest any more) can be dropped
      too. Numbers are never reused.

      Every instance is checked before any is deleted: an unknown instance is invalid input (exit 3);
      the active instance is refused (exit 4) unless \`--force\`, which takes its alias down with it.
      There is no confirmation prompt.
    `,
    examples: [
      ['Drop one instance', 'esm drop movies-1'],
      ['Drop two, as master then numbers', 'esm drop movies 1 2'],
      ['Drop every instance older than the active one', 'esm drop movies --older'],
      ['Drop the active instance too (its alias disappears)', 'esm drop movies-3 --force'],
    ],
  });

  names = Option.Rest({ name: 'instance', required: 1 });
  older = Option.Boolean('--older', false, { description: 'drop every instance older than the active one of the named master' });
  force = Option.Boolean('--force', false, { description: 'allow dropping the active instance' });
  json = Option.Boolean('--json', false, { description: 'print the result as JSON' });

  async execute(): Promise<number> {
    return withSession(this, {}, async (s) => {
      const { InvalidInputError } = await import('../errors.js');
      const { knownNames } = await import('../operations/list.js');
      const { dropInstances, dropOlder } = await import('../operations/drop.js');
      const { parseInstanceList, parseTarget } = await import('../operations/names.js');
      const { masters, foreign } = await knownNames(s);
      let result;
      if (this.older) {
        const target = parseTarget(s.prefix, this.names, masters, foreign);
        if (target.kind !== 'master') throw new InvalidInputError(`--older takes one master, e.g. esm drop ${target.master} --older`);
        result = await dropOlder(s, target.master, { force: this.force });
      } else {
        result = await dropInstances(s, parseInstanceList(s.prefix, this.names, masters, foreign), { force: this.force });
      }
      if (this.json) this.printJson(result);
      else this.print(result.dropped.length ? `dropped ${result.dropped.join(', ')}` : 'nothing to drop: no instance is older than the active one');
      return 0;
    });
  }
}
