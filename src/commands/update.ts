import { Command, Option } from 'clipanion';
import { InvalidInputError, RuntimeError } from '../errors.js';
import type { UpdateSelector } from '../operations/update.js';
import { EsmCommand } from './base.js';
import { batchSizeOption, concurrencyOption, fillTuning } from './options.js';
import { outputMode } from './progress.js';
import { printResult, withProgress } from './run-plan.js';

export class UpdateCommand extends EsmCommand {
  static override paths = [['update']];
  static override usage = Command.Usage({
    category: 'Changing',
    description: 'fill an instance with documents from its source',
    details: `
      Sends documents from the master's \`spec.source\` into one or more of its instances.

      Target (default: the master's active instance): an explicit instance (\`movies-2\`, or \`movies 2\`);
      \`--newer\`: every instance newer than the active one (the pre-deployment step after \`esm create\`);
      \`--last\` (or \`--latest\`): the master's latest instance; \`--all-active\`: the active instance of
      every master (no positional argument then).

      Mode: by default only the documents changed since the target's last completed update
      (\`spec.updatedField\` later than \`_meta.esm.lastUpdateAt\`); a full update when there was none
      or the manifest has no \`updatedField\`. \`--full\` re-sends everything; \`--since\` sends what
      changed after that ISO date (a date-time without a zone is local time). An incremental update
      needs \`spec.idField\`, or re-sent documents would be duplicated.

      Deletions: a full update leaves the instance holding exactly the source's documents. When the
      source can list its ids (ndjson, sqlite, reindex, a module exporting \`ids\`; with \`spec.idField\`),
      the documents whose id the source no longer has are deleted afterwards — the comparison
      \`esm apply\` runs before an activation, recorded as a \`prune\` action, its count in the result.
      \`--keep-deleted\` keeps them. An incremental update deletes the documents \`spec.deletedField\` flags.

      A full fill of an instance that is not active runs with \`refresh_interval: -1\` and no replicas,
      restored afterwards. Nothing is ever activated by \`esm update\`.

      Each filled instance is recorded as an \`update\` (full) or \`partial_update\` action. A full fill records
      where it stands every 10 s; one that was killed, interrupted or failed is resumed from there by the
      next full update of that instance ("resuming movies-2 from 30,000 / 200,000").

      Ctrl-C (SIGINT) or SIGTERM stops cleanly: esm says "stopping…" at once, the requests in flight
      finish, the action is recorded \`aborted\` with where it stopped, and esm exits 130 (143 for
      SIGTERM) with "interrupted: …"; a second signal exits at once.

      \`--events\` streams NDJSON on stdout as \`esm apply --events\` does (see its help), ending with a
      \`done\` event that carries what \`--json\` prints.
    `,
    examples: [
      ['Catch up the active instance of movies', 'esm update movies'],
      ['Re-send every document to movies-2 (and delete those the source no longer has)', 'esm update movies-2 --full'],
      ['Re-send every document, keep those the source deleted', 'esm update movies-2 --full --keep-deleted'],
      ['The same, naming the instance as master then number', 'esm update movies 2 --full'],
      ['Fill instances created ahead of a deployment', 'esm update movies --newer'],
      ['Send what changed since a date to the latest instance', 'esm update movies --last --since 2024-05-01'],
      ['Catch up every master', 'esm update --all-active'],
      ['Stream the progress as NDJSON events', 'esm update movies --full --events'],
    ],
  });

  name = Option.String({ name: 'master|instance', required: false });
  number = Option.String({ name: 'number', required: false });
  full = Option.Boolean('--full', false, { description: 're-send every document, then delete those the source no longer has' });
  keepDeleted = Option.Boolean('--keep-deleted', false, { description: 'with --full: keep the documents the source no longer has' });
  since = Option.String('--since', { description: 'send documents changed after this ISO date' });
  newer = Option.Boolean('--newer', false, { description: 'every instance newer than the active one' });
  last = Option.Boolean('--last,--latest', false, { description: 'the latest instance' });
  allActive = Option.Boolean('--all-active', false, { description: "every master's active instance" });
  batchSize = batchSizeOption();
  concurrency = concurrencyOption();
  json = Option.Boolean('--json', false, { description: 'print the result as JSON' });
  events = Option.Boolean('--events', false, { description: 'stream NDJSON events on stdout as the update runs, ending with a `done` event that carries the --json result' });

  async execute(): Promise<number> {
    const [{ parseSinceFlag, resolveUpdateTargets, runUpdates, UpdateInterrupted }, { describeResult, interruptedMessage }] = await Promise.all([
      import('../operations/update.js'),
      import('../render/update-result.js'),
    ]);
    const selectors = [this.newer && '--newer', this.last && '--last', this.allActive && '--all-active'].filter(Boolean);
    if (selectors.length > 1) throw new InvalidInputError(`${selectors.join(' and ')} cannot be used together`);
    if (this.full && this.since !== undefined) throw new InvalidInputError('--full and --since cannot be used together');
    if (this.keepDeleted && this.since !== undefined) throw new InvalidInputError('--keep-deleted goes with a full update: --since sends changes and deletes only what spec.deletedField flags');
    const mode = this.full ? ({ kind: 'full' } as const) : this.since !== undefined ? ({ kind: 'since', since: parseSinceFlag(this.since) } as const) : ({ kind: 'incremental' } as const);
    const selector = this.selector();

    const output = outputMode(this);
    const results = await withProgress(this, output, async (s, _signal, startProgress) => {
      await startProgress();
      const { targets, skipped } = await resolveUpdateTargets(s, selector);
      for (const message of skipped) s.emit({ kind: 'note', message });
      return runUpdates(s, targets, { mode, ...(this.keepDeleted ? { keepDeleted: true } : {}), ...fillTuning(this) }).catch((e: unknown) => {
        throw e instanceof UpdateInterrupted ? Object.assign(new RuntimeError(interruptedMessage(e)), { docsAffected: e.docsAffected }) : e;
      });
    });
    if (output === 'human') for (const r of results) this.print(describeResult(r));
    else await printResult(this, output, { updates: results }, { message: `${results.length} instance${results.length === 1 ? '' : 's'} updated` });
    return 0;
  }

  /** `movies`, `movies-2`, or `movies 2`. */
  private get target(): string[] {
    return [this.name, this.number].filter((x): x is string => x !== undefined);
  }

  private selector(): UpdateSelector {
    if (this.allActive) {
      if (this.target.length) throw new InvalidInputError(`--all-active updates every master: drop "${this.target.join(' ')}"`);
      return { kind: 'all_active' };
    }
    if (this.target.length === 0) throw new InvalidInputError('name a master or an instance (e.g. esm update movies, esm update movies-2), or pass --all-active');
    if (this.newer) return { kind: 'newer', args: this.target };
    if (this.last) return { kind: 'last', args: this.target };
    return { kind: 'named', args: this.target };
  }
}
