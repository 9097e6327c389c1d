import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { RefusedError } from '../errors.js';
import type { Lock } from '../cluster/index.js';
import { Session } from '../operations/session.js';
import { mergeConfig } from '../config/resolve.js';
import type { Plan } from '../plan/types.js';
import type { EsmContext } from './base.js';
import { executeWithProgress } from './run-plan.js';
import { aManifest } from '../manifest/builders.js';

const ctx = { stdout: new PassThrough(), stderr: new PassThrough(), env: {}, isTTY: false, color: false } as unknown as EsmContext;
const emptyPlan = { planId: 'p', masters: [] } as unknown as Plan;
const moviesPlan = {
  planId: 'p',
  masters: [{ name: 'movies', alias: 'movies', active: null, decision: 'create', steps: [{ op: 'create', index: 'movies-1', number: 1 }], reasons: [] }],
} as unknown as Plan;
const movies = aManifest({ name: 'movies' });
const session = () => new Session(mergeConfig({ flags: { url: 'http://127.0.0.1:1' }, env: {}, file: null, fileDir: null, configFile: null, cwd: '/tmp' }));

describe('executeWithProgress', () => {
  it('turns a lock lost during the apply into a refusal (exit 4), not a failed step', async () => {
    const lost = new RefusedError('lost the apply lock for prefix "": taken over by someone');
    let checks = 0;
    const lock = {
      lost,
      assertHeld: () => {
        checks++;
        throw lost;
      },
    } as unknown as Lock;
    await expect(executeWithProgress(ctx, session(), moviesPlan, [movies], { json: false, lock })).rejects.toBe(lost);
    // The executor asked before its first step and stopped there (the session's URL leads nowhere).
    expect(checks).toBe(1);
  });

  it('returns the result while the lock is held', async () => {
    const lock = { lost: null, assertHeld: () => {} } as unknown as Lock;
    const r = await executeWithProgress(ctx, session(), emptyPlan, [], { json: false, lock });
    expect(r.ok).toBe(true);
  });
});
