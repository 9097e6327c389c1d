import { Command, Option } from 'clipanion';
import { EsmCommand } from './base.js';
import { withSession } from './run-session.js';

export class LockReleaseCommand extends EsmCommand {
  static override paths = [['lock', 'release']];
  static override usage = Command.Usage({
    category: 'Changing',
    description: "take over the apply lock of a run that died (e.g. on a CI runner that is gone)",
    details: `
      One \`esm apply\` at a time runs per cluster and prefix: it holds a lock in the cluster, renewed
      while it runs. A lock whose holder died expires by itself (about 2 minutes after its last
      renewal), and a holder that died on this host is taken over at once. A lock held from another
      host makes \`apply\` refuse (exit 4) until it expires.

      Without \`--force\` this command only says who holds the lock and when it expires (exit 4 when a
      lock is held, 0 when none is). With \`--force\` it deletes the lock, whoever holds it, and records a
      \`lock_release\` action in the history. Only do that when the holder is surely gone: a running
      apply that loses its lock stops at its next step (exit 4), but two applies could overlap until then.
    `,
    examples: [
      ['Who holds the apply lock, and until when', 'esm lock release'],
      ['Take it over after the CI runner that held it died', 'esm lock release --force'],
      ['The same for another environment prefix', 'esm lock release --force --prefix qa1_'],
    ],
  });

  force = Option.Boolean('--force', false, { description: 'delete the lock even though another run holds it' });
  json = Option.Boolean('--json', false, { description: 'print the result as JSON' });

  async execute(): Promise<number> {
    return withSession(this, {}, async (s) => {
      const { releaseLock } = await import('../operations/lock-release.js');
      const { holderWords } = await import('../cluster/lock.js');
      const result = await releaseLock(s, { force: this.force });
      if (this.json) this.printJson(result);
      else if (!result.released) this.print(`no apply lock is held for prefix "${result.prefix}"`);
      else this.print(`released the apply lock for prefix "${result.prefix}", held by ${holderWords(result.released, s.now())}`);
      return 0;
    });
  }
}
