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
      drop, update_in_place, reset, state_rebuild, …), and every run that failed before its first action (a
      \`plan\` or \`lock\` row): its status, start time, target, documents affected, the git commit and the
      command line that ran it (secrets masked), the error when it failed, and a note when its outcome
      was learnt by reading the cluster rather than from the answer (\`confirmed from the cluster\`).

      Statuses: \`queued\`, \`in_progress\`, \`complete\`, \`failed\`, \`aborted\` (its run died in it) and
      \`abandoned\` (queued by a run that died before reaching it). The next changing run compares the
      actions left \`failed\`, \`aborted\` or \`abandoned\` with the cluster once: those whose effect it shows
      become \`complete\`, noted \`confirmed from the cluster\`.

      Reads the state file only (never creates it, never changes the cluster).

      \`--json\`: \`{ "actions": [ { "id", "action", "master", "instance", "status", "startedAt",
      "endedAt", "docsAffected", "argv", "commit", "planId", "error", "note" } ] }\`.
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
      const { historyEntry, readHistory } = await import('../operations/history.js');
      const actions = await readHistory(s, {
        ...(this.master !== undefined ? { master: this.master } : {}),
        ...(this.limit !== undefined ? { limit: this.limit } : {}),
      });
      if (this.json) this.printJson({ actions: actions.map(historyEntry) });
      else {
        const { renderHistoryText } = await import('../render/history-text.js');
        this.print(renderHistoryText(actions.map(historyEntry), { color: this.context.color }));
      }
      return 0;
    });
  }
}
