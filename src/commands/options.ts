/** Options shared by the commands that fill indices (apply, reset, update) or draw plans. */
import { Option } from 'clipanion';
import * as t from 'typanion';
import { DEFAULT_PARALLELISM } from '../apply/parallelism.js';
import { BATCH_SIZE } from '../cluster/batch-size.js';

export const batchSizeOption = () =>
  Option.String('--batch-size', {
    description: `documents per bulk request (1..100000; default ${BATCH_SIZE}; requests are also cut at 5 MB)`,
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, 100_000)]),
  });

export const concurrencyOption = () =>
  Option.String('--concurrency', {
    description: 'bulk requests in flight (1..16; default: one per write thread of the data nodes, 2..8)',
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, 16)]),
  });

export const parallelismOption = () =>
  Option.String('--parallelism', {
    description: `masters applied side by side (1..64, default ${DEFAULT_PARALLELISM}); a master that reindexes from another starts after it`,
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, 64)]),
  });

export const waitTimeoutOption = () =>
  Option.String('--wait-timeout', {
    description: 'how long an activation waits for its instance to turn green, e.g. 30m, 2h, 90s (default 30m); past it the master fails and its alias stays',
  });

/** Milliseconds of `--wait-timeout`, or nothing when it was not given; invalid input (exit 3) when it is no duration. */
export async function waitTimeout(value: string | undefined): Promise<{ waitTimeoutMs?: number }> {
  if (value === undefined) return {};
  const [{ parseDuration }, { InvalidInputError }] = await Promise.all([import('../config/duration.js'), import('../errors.js')]);
  const ms = parseDuration(value);
  if (ms === null || ms <= 0) throw new InvalidInputError(`--wait-timeout ${JSON.stringify(value)} is not a duration: use e.g. 30m, 2h, 90s or seconds`);
  return { waitTimeoutMs: ms };
}

/** `{ batchSize, concurrency, parallelism }` with only the options that were given. */
export function fillTuning(cmd: { batchSize?: number | undefined; concurrency?: number | undefined; parallelism?: number | undefined }): {
  batchSize?: number;
  concurrency?: number;
  parallelism?: number;
} {
  return {
    ...(cmd.parallelism !== undefined ? { parallelism: cmd.parallelism } : {}),
    ...(cmd.batchSize !== undefined ? { batchSize: cmd.batchSize } : {}),
    ...(cmd.concurrency !== undefined ? { concurrency: cmd.concurrency } : {}),
  };
}
