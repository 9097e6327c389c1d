/** `esm history` for people: one aligned line per action, newest first; errors under their action. */
import type { HistoryEntry } from '../operations/history.js';
import { assertNever } from '../errors.js';
import { paint } from './ansi.js';
import { visible } from '../visible.js';
import { shortCommit, shortTime, table } from './list-text.js';

export function renderHistoryText(actions: readonly HistoryEntry[], opts: { color: boolean }): string {
  const p = paint(opts.color);
  if (actions.length === 0) return 'No actions recorded.\n';
  const rows = [
    ['ID', 'STARTED', 'ACTION', 'TARGET', 'STATUS', 'DOCS', 'COMMIT', 'COMMAND'],
    ...actions.map((a) => [
      String(a.id),
      shortTime(a.startedAt),
      a.action,
      a.instance ?? a.master ?? '-',
      a.status,
      a.docsAffected === null ? '-' : String(a.docsAffected),
      shortCommit(a.commit),
      a.argv.length ? a.argv.join(' ') : '-',
    ]),
  ];
  const style = (r: number, c: number, cell: string): string => {
    if (r === 0) return p.dim(cell);
    if (c !== 4) return cell;
    const status = actions[r - 1]!.status;
    switch (status) {
      case 'complete':
        return p.green(cell);
      case 'failed':
      case 'aborted':
        return p.red(cell);
      case 'abandoned':
        return p.dim(cell);
      case 'in_progress':
      case 'queued':
        return p.yellow(cell);
      default:
        return assertNever(status, 'action status');
    }
  };
  const lines = table(rows, { style });
  const out = [lines[0]!];
  actions.forEach((a, i) => {
    out.push(lines[i + 1]!);
    if (a.error) out.push(p.red(`    error: ${visible(a.error.split('\n')[0]!)}`));
    if (a.note) out.push(p.dim(`    note: ${visible(a.note.split('\n')[0]!)}`));
  });
  return out.join('\n') + '\n';
}
