import { Command, Option } from 'clipanion';
import { EsmCommand } from './base.js';
import { waitTimeout, waitTimeoutOption } from './options.js';
import { withSession } from './run-session.js';

export class ActivateCommand extends EsmCommand {
  static override paths = [['activate']];
  static override usage = Command.Usage({
    category: 'Changing',
    description: "point a master's alias at one of its instances",
    details: `
      Moves the alias in one atomic \`_aliases\` call: readers never see it missing or on two indices.
      Without an instance, the latest instance is activated. The instance can be named \`movies-2\`,
      \`movies 2\` or \`movies movies-2\`.

      Refuses (exit 4) an instance that was never filled, and one holding fewer documents than
      \`activation.minDocRatio\` × the documents of the active instance; \`--force\` skips both checks.
      Activating the instance that is already active does nothing and says so.

      As in \`esm apply\`, the alias moves only once the instance is green (every shard copy placed),
      waiting at most \`--wait-timeout\` (default 30m; past it exit 1, the alias stays). Where the
      cluster can never place its replicas (one node, replicas 1) it says so and waits for yellow.
    `,
    examples: [
      ['Activate the latest instance of movies', 'esm activate movies'],
      ['Activate instance 2', 'esm activate movies-2'],
      ['The same, as master then number', 'esm activate movies 2'],
      ['Activate even an unfilled or small instance', 'esm activate movies 3 --force'],
      ['Give the replicas two hours to be placed', 'esm activate movies 3 --wait-timeout 2h'],
    ],
  });

  master = Option.String({ name: 'master' });
  instance = Option.String({ name: 'instance', required: false });
  force = Option.Boolean('--force', false, { description: 'skip the "filled" and minDocRatio checks' });
  json = Option.Boolean('--json', false, { description: 'print the result as JSON' });
  waitTimeout = waitTimeoutOption();

  async execute(): Promise<number> {
    const waiting = await waitTimeout(this.waitTimeout);
    return withSession(this, {}, async (s) => {
      const onWait = this.waitNotes(this.waitTimeout);
      const { resolveTarget } = await import('../operations/list.js');
      const { activateInstance } = await import('../operations/activate.js');
      const target = await resolveTarget(s, this.instance === undefined ? [this.master] : [this.master, this.instance], (await s.manifests()).map((m) => m.name));
      const result = await activateInstance(s, await s.manifest(target.master), target.kind === 'instance' ? target.name : null, { force: this.force, onWait, ...waiting });
      if (this.json) this.printJson(result);
      else this.print(result.message);
      return 0;
    });
  }
}
