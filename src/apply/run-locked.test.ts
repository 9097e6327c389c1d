import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../config/resolve.js';
import { RefusedError } from '../errors.js';
import { HistoryStore } from '../history/index.js';
import { Session } from '../operations/session.js';
import { aMasterPlan, aPlan, aSnapshot } from '../../test/support/plan-builders.js';
import type { Plan } from '../plan/types.js';
import { runLocked } from './apply-plan.js';
import { scratchDir } from '../../test/support/scratch.js';

const dir = scratchDir('run-locked');
// The session's URL leads nowhere: a step that ran anyway would fail, not reach a shared node.
const session = () => new Session(mergeConfig({ flags: { url: 'http://127.0.0.1:1', state: path.join(dir, 'state.sqlite') }, env: {}, file: null, fileDir: null, configFile: null, cwd: dir }));
const moviesPlan: Plan = aPlan({
  masters: [aMasterPlan({ name: 'movies', decision: 'create', steps: [{ op: 'create', index: 'movies-1', number: 1 }, { op: 'activate', alias: 'movies', from: null, to: 'movies-1' }] })],
  summary: { create: 1, fill: 0, catch_up: 0, prune: 0, activate: 1, in_place: 0, drop: 0, noop: 0, adopt: 0 },
});

describe('runLocked', () => {
  it('turns a lock lost during the apply into a refusal (exit 4), not a failed step, and runs no step', async () => {
    const lost = new RefusedError('lost the apply lock for prefix "": taken over by someone');
    let checks = 0;
    const lock = {
      lost,
      assertHeld: () => {
        checks++;
        throw lost;
      },
    };
    const s = session();
    await expect(runLocked(s, lock, moviesPlan, { snapshot: aSnapshot() }, {})).rejects.toBe(lost);
    await s.close();
    // Asked before each step; every step stopped there, and the journal says so.
    expect(checks).toBe(1);
    const store = await HistoryStore.open(path.join(dir, 'state.sqlite'), { readOnly: true });
    expect(store.listActions().map((a) => `${a.action} ${a.status}`)).toEqual(['activate aborted', 'create failed']);
    store.close();
  });

  it('returns the result while the lock is held', async () => {
    const lock = { lost: null, assertHeld: () => {} };
    const empty = { ...moviesPlan, masters: [] };
    const r = await runLocked(session(), lock, empty, { snapshot: aSnapshot() }, {});
    expect(r.result.ok).toBe(true);
  });
});
