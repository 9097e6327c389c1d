/** The state file's mode through the CLI: a read-only state file is refused (exit 1) before the cluster or the file changes. */
import { chmodSync } from 'node:fs';
import { describe, it } from 'vitest';
import { expectNothingChanged, expectOneLineError, ok, project } from './helpers.js';

describe('a read-only state file', () => {
  it('esm create --force and esm apply refuse it with one message, exit 1, cluster and file untouched', async () => {
    const p = project('ro');
    await ok(p, ['create', 'movies']);
    chmodSync(p.statePath, 0o444);
    const q = p;
    await expectNothingChanged(q, async () => {
      expectOneLineError(await q.cli(['create', 'movies', '--force']), 1, /state\.sqlite is read-only \(mode 0444\): esm will not replace it/);
      expectOneLineError(await q.cli(['apply', '--auto-approve']), 1, /state\.sqlite is read-only \(mode 0444\)/);
    });
  });
});
