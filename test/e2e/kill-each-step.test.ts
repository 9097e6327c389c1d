/**
 * SPEC §9 with a process killed (SIGKILL: no cleanup runs) at each step of a
 * replace — create, fill, catch-up, prune, activate, drop — then `plan` + `apply`: the
 * desired state is reached, retention included, and the history shows the
 * killed action `aborted`, then the same action `complete`. A fault proxy in
 * front of the real node holds the step's request unanswered, so the kill lands
 * inside that step, every time.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { aliasTargets, countDocs, esm, indicesOf, metaOf, movieManifest, movies } from '../support/apply-fixtures.js';
import { builtCli } from '../support/built-cli.js';
import { esUrl } from '../support/es.js';
import { journal } from '../support/history-files.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { ndjson, tempProject, type TempProject } from '../support/project.js';

const N = 40;

type Req = { method: string; path: string };
const bare = (r: Req) => r.path.split('?')[0]!;
const isBulk = (r: Req) => r.method !== 'GET' && /(^|\/)_bulk$/.test(bare(r));

/** Each step of the replace of `<alias>-1` by `<alias>-2`: the request that is held, and the action killed in it. */
const STEPS: Array<{ step: string; action: string; held: (alias: string) => (r: Req) => boolean }> = [
  { step: 'create', action: 'create', held: (alias) => (r) => r.method === 'PUT' && bare(r) === `/${alias}-2` },
  { step: 'fill', action: 'update', held: () => nth(1, isBulk) },
  // One document is dated in the future: the catch-up after the fill sends it again, in a second bulk request.
  { step: 'catch-up', action: 'partial_update', held: () => nth(2, isBulk) },
  // The id-set comparison scans the new instance (a point in time on Elasticsearch, a scroll on OpenSearch).
  { step: 'prune', action: 'prune', held: (alias) => (r) => r.method === 'POST' && [`/${alias}-2/_pit`, `/${alias}-2/_search`].includes(bare(r)) },
  { step: 'activate', action: 'activate', held: () => (r) => r.method === 'POST' && bare(r) === '/_aliases' },
  { step: 'drop', action: 'drop', held: (alias) => (r) => r.method === 'DELETE' && bare(r) === `/${alias}-1` },
];

function nth(n: number, pred: (r: Req) => boolean): (r: Req) => boolean {
  let seen = 0;
  return (r) => pred(r) && ++seen === n;
}

/** The history's actions, oldest first. */
const actionsOf = (p: TempProject): Promise<string[]> => journal(p.statePath, (a) => `${a.action} ${a.status}`);

/** `esm apply --auto-approve` through the proxy, killed with SIGKILL once the proxy holds the step's request. */
async function applyKilledWhenHeld(p: TempProject, px: FaultProxy): Promise<void> {
  const child = spawn(process.execPath, [builtCli(), 'apply', '--auto-approve'], {
    cwd: p.dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...p.env, ESM_URL: px.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  let exited = false;
  const exit = once(child, 'exit').then(() => (exited = true));
  while (px.matched === 0) {
    if (exited) throw new Error(`esm apply ended before the step's request was held:\n${output}`);
    await sleep(50);
  }
  child.kill('SIGKILL');
  await exit;
  expect(child.signalCode).toBe('SIGKILL');
}

describe('kill -9 at each step of a replace, then plan + apply', () => {
  it.each(STEPS)('killed in $step: the next apply reaches the desired state, and the history shows $action aborted then complete', async ({ action, held }) => {
    const p = tempProject('kill');
    const docs = movies(N);
    docs[N - 1] = { ...docs[N - 1]!, updated_at: '2099-01-01T00:00:00.000Z' };
    p.write('data/movies.ndjson', ndjson(docs));
    p.manifest('movies', movieManifest({ keepInactive: 0 }));
    await esm(p, ['apply', '--auto-approve']);
    const alias = `${p.prefix}movies`;

    // The schema changes: a replace of movies-1 by movies-2.
    p.manifest('movies', movieManifest({ keepInactive: 0, fields: { id: 'keyword', title: 'keyword', updated_at: 'date' } }));
    const before = await actionsOf(p);
    const proxy = await startFaultProxy(esUrl(), { match: held(alias), silentFirst: 1 });
    await applyKilledWhenHeld(p, proxy);
    await proxy.close();
    // Killed mid-step: applications still read the old instance, or (killed in the drop) already the new one.
    const targets = await aliasTargets(alias);
    expect(targets.length).toBe(1);
    expect(await countDocs(alias)).toBe(N);

    const plan = (await esm(p, ['plan', '--json'])).json<{ masters: { steps: { op: string; index?: string; to?: string }[] }[] }>();
    const planned = plan.masters[0]!.steps;
    expect(planned.length).toBeGreaterThan(0);
    // A create that never happened used up no number: the plan names movies-2 again.
    const exists = (await indicesOf(p.prefix)).includes(`${alias}-2`);
    expect(planned.filter((s) => s.op === 'create').map((s) => s.index)).toEqual(exists ? [] : [`${alias}-2`]);
    await esm(p, ['apply', '--auto-approve']);

    // The desired state: movies-2 active with the manifest's fingerprint, filled, movies-1 dropped (keepInactive: 0).
    expect(await aliasTargets(alias)).toEqual([`${alias}-2`]);
    expect(await indicesOf(p.prefix)).toEqual([`${alias}-2`]);
    expect(await countDocs(alias)).toBe(N);
    expect((await metaOf(`${alias}-2`)).filledAt).toEqual(expect.any(String));
    expect((await esm(p, ['plan'])).stdout).toContain('No changes.');

    const after = (await actionsOf(p)).slice(before.length);
    const aborted = after.indexOf(`${action} aborted`);
    expect(aborted, after.join('\n')).toBeGreaterThanOrEqual(0);
    expect(after.slice(aborted + 1), after.join('\n')).toContain(`${action} complete`);
    expect(after.filter((a) => a.endsWith('in_progress'))).toEqual([]);
  });
});
