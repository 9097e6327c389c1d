import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import { EsmCommand } from './base.js';
import { withSession } from './run-session.js';

export class HistoryCommand extends EsmCommand {
  static override paths = [['history']];
  static override usage = Command.Usage({
    category: 'Read-only',
    description: 'show the journal of index actions, newest first',
    details: `
      Every action esm took on the cluster (create, update, partial_update, prune, activate, clear,
      drop, update_in_place, reset, state_rebuild): its status, start time, target, documents affected, the
      git commit and the command line that ran it (secrets masked), and the error when it failed.
      An action found \`in_progress\` whose process died shows as \`aborted\`.

      Reads the state file only (never creates it, never changes the cluster).

      \`--json\`: \`{ "actions": [ { "id", "action", "master", "instance", "status", "startedAt",
      "endedAt", "docsAffected", "argv", "commit", "planId", "error" } ] }\`.
    `,
    examples: [
      ['Everything', 'esm history'],
      ['The last 10 actions on movies', 'esm history movies --limit 10'],
      ['For scripts', 'esm history --json'],
    ],
  });

  master = Option.String({ name: 'master', required: false });
  limit = Option.String('--limit', {
    description: 'show at most N actions',
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isAtLeast(1)]),
  });
  json = Option.Boolean('--json', false, { description: 'print the result as JSON' });

  async execute(): Promise<number> {
    return withSession(this, { readOnly: true }, async (s) => {
      const { listHistory } = await import('../operations/history.js');
      const result = await listHistory(s, {
        ...(this.master !== undefined ? { master: this.master } : {}),
        ...(this.limit !== undefined ? { limit: this.limit } : {}),
      });
      if (this.json) this.printJson(result);
      else {
        const { renderHistoryText } = await import('../render/history-text.js');
        this.print(renderHistoryText(result.actions, { color: this.context.color }));
      }
      return 0;
    });
  }
}
