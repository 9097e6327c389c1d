/**
 * SPEC §9: a killed apply leaves every alias where it was, and the next
 * plan / apply resumes. The built CLI is killed with SIGKILL in the middle of a
 * fill (no cleanup can run: the lock stays, the action stays `in_progress`).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/history/index.js';
import { LOCK_INDEX, lockId } from '../../src/cluster/index.js';
import { aliasTargets, countDocs, esm, movieManifest, OLD } from '../support/apply-fixtures.js';
import { builtCli } from '../support/built-cli.js';
import { rawClient } from '../support/es.js';
import { tempProject, type TempProject } from '../support/project.js';


async function writeMovies(file: string, total: number): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 1; i <= total; i++) {
    if (!out.write(`{"id":"m-${i}","title":"Movie ${i}","updated_at":"${OLD}"}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Runs `esm apply --auto-approve` as a process and sends it `signal` at its first progress line of a fill. */
async function killDuringFill(p: TempProject, signal: NodeJS.Signals = 'SIGKILL'): Promise<{ pid: number; stderr: string; code: number | null }> {
  const child = spawn(process.execPath, [builtCli(), 'apply', '--auto-approve', '--batch-size', '500', '--concurrency', '1'], {
    cwd: p.dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...p.env, ESM_PROGRESS_INTERVAL_MS: '200' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stdout.resume();
  const progress = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      // `movies: fill <index> 12,000/200,000 (6%) …`: the fill is under way.
      if (/: fill \S+ [\d,]+\/[\d,]+ \(/.test(stderr)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`esm apply ended (exit ${code}) before it was killed:\n${stderr}`)));
  });
  await progress;
  child.removeAllListeners('exit');
  const exited = once(child, 'exit');
  child.kill(signal);
  const [code] = (await exited) as [number | null];
  return { pid: child.pid!, stderr, code };
}

describe('a killed apply', () => {
  it('leaves the alias where it was; the next plan continues the half-filled instance and the next apply completes it', async () => {
    const total = 200_000;
    const p = tempProject('resume');
    p.manifest('movies', movieManifest());
    p.write('data/movies.ndjson', '');
    await writeMovies(path.join(p.dir, 'data/movies.ndjson'), total);
    const alias = `${p.prefix}movies`;
    const index = `${alias}-1`;

    const killed = await killDuringFill(p);
    expect(killed.stderr).toContain(`movies: create ${index} done`);

    // First deployment: the alias points nowhere; the instance exists, half filled, never marked filled.
    expect(await aliasTargets(alias)).toEqual([]);
    const half = await countDocs(index);
    expect(half).toBeLessThan(total);
    // The dead run's lock is still there.
    const lock = await rawClient().get<{ pid: number }>({ index: LOCK_INDEX, id: lockId(p.prefix) });
    expect(lock._source?.pid).toBe(killed.pid);

    // Every step of the dead run's plan is in the journal: the fill it died in aborted, the steps it never reached abandoned.
    const journal = (await esm(p, ['history', '--json'])).json().actions.map((a: { action: string; status: string }) => `${a.action} ${a.status}`);
    expect(journal).toEqual(['activate abandoned', 'prune abandoned', 'update aborted', 'create complete']);

    const plan = (await esm(p, ['plan', '--json'])).json();
    expect(plan.masters[0]).toMatchObject({
      decision: 'catch_up_activate',
      steps: [
        { op: 'fill', index, mode: 'full' },
        { op: 'prune', index },
        { op: 'wait', index, health: 'green' },
        { op: 'activate', alias, from: null, to: index },
      ],
    });
    expect(plan.masters[0].reasons.join('\n')).toContain(`${index} was never filled`);

    // The lock of the dead process (same host) is taken over.
    const r = await esm(p, ['apply', '--auto-approve']);
    expect(r.stdout).toMatch(/Apply complete/);
    expect(await aliasTargets(alias)).toEqual([index]);
    expect(await countDocs(alias)).toBe(total);

    const store = await HistoryStore.open(p.statePath, { readOnly: true });
    try {
      const actions = store.listActions().reverse().map((a) => `${a.action} ${a.status}`);
      // The killed run had queued its whole plan: the id-set comparison and the activation it never reached are abandoned.
      expect(actions).toEqual(['create complete', 'update aborted', 'prune abandoned', 'activate abandoned', 'update complete', 'prune complete', 'activate complete']);
    } finally {
      store.close();
    }
    expect((await esm(p, ['plan', '--json'])).json().masters[0].decision).toBe('noop');
  });

  it('Ctrl-C stops it cleanly: exit 130, the alias stays, the fill is recorded aborted and the lock released', async () => {
    const p = tempProject('resume');
    p.manifest('movies', movieManifest());
    p.write('data/movies.ndjson', '');
    await writeMovies(path.join(p.dir, 'data/movies.ndjson'), 200_000);
    const alias = `${p.prefix}movies`;

    const stopped = await killDuringFill(p, 'SIGINT');
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/movies: fill \S+ FAILED: filling \S+ was interrupted at [\d,]+ of [\d,]+ documents \(\.\.\/data\/movies\.ndjson byte [\d,]+ \(line [\d,]+\)\); nothing was activated, and the next run resumes from there/);
    expect(stopped.stderr).toMatch(/esm: interrupted: the apply stopped before finishing movies \(fill \S+: filling \S+ was interrupted at [\d,]+ of [\d,]+ documents \(\.\.\/data\/movies\.ndjson byte [\d,]+ \(line [\d,]+\)\)\)/);
    expect(await aliasTargets(alias)).toEqual([]);
    expect(await rawClient().exists({ index: LOCK_INDEX, id: lockId(p.prefix) })).toBe(false);
    const store = await HistoryStore.open(p.statePath, { readOnly: true });
    try {
      expect(store.listActions().map((a) => `${a.action} ${a.status}`)).toEqual(['activate aborted', 'prune aborted', 'update aborted', 'create complete']);
    } finally {
      store.close();
    }
  });
});
