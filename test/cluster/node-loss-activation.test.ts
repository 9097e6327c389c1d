/**
 * A node killed (SIGKILL) while an instance is being activated: once while esm waits for
 * it to be green, once while the alias swap is on its way to the cluster (the node killed
 * is then the elected cluster manager, unless that is node 1, esm's own). The activation
 * completes — or fails cleanly and a re-run completes — and the alias then points at the
 * new instance, which holds every document.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { esmProcess, healBed, killNode, managerOrNode2, nodeWithPrimary, restartNode } from '../support/bed.js';
import { aliasTargets, countDocs, esm, movies } from '../support/apply-fixtures.js';
import { esUrl } from '../support/es.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { ndjson, tempProject, type TempProject } from '../support/project.js';

// Every test starts from, and leaves, three running nodes; projects and proxies clean up after themselves.
beforeEach(healBed);
afterEach(healBed);

const N = 3_000;

function manifest(titleType: string): string {
  return stringify({
    apiVersion: 'esm/v1',
    kind: 'IndexMaster',
    metadata: { name: 'movies' },
    spec: {
      settings: { number_of_shards: 3, number_of_replicas: 1 },
      mappings: { dynamic: 'strict', properties: { id: { type: 'keyword' }, title: { type: titleType }, updated_at: { type: 'date' } } },
      source: { type: 'ndjson', path: '../data/movies.ndjson' },
      idField: 'id',
      retention: { keepInactive: 1 },
    },
  });
}

/** A project whose movies-1 is active, and whose manifest now asks for a replace by movies-2. */
async function replacing(label: string): Promise<{ p: TempProject; alias: string }> {
  const p = tempProject(label);
  p.write('data/movies.ndjson', ndjson(movies(N)));
  p.manifest('movies', manifest('text'));
  await esm(p, ['apply', '--auto-approve']);
  p.manifest('movies', manifest('keyword'));
  return { p, alias: `${p.prefix}movies` };
}

/** Runs the apply through `proxy`, which holds the first request `held` selects; calls `during` once it holds it. */
async function applyHolding(p: TempProject, held: (r: { method: string; path: string }) => boolean, during: () => Promise<void>): Promise<{ code: number | null; stderr: string }> {
  const proxy = await startFaultProxy(esUrl(), { match: held, silentFirst: 1 });
  // A held request times out after 5 s and is sent again: by then the node is gone.
  const run = esmProcess(['apply', '--auto-approve', '--wait-timeout', '10m'], { cwd: p.dir, env: { ...p.env, ESM_URL: proxy.url, ESM_TIMEOUT: '5s' } });
  while (proxy.matched === 0) {
    const exited = await Promise.race([run.code.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 100))]);
    if (exited) throw new Error(`the apply ended before the held request:\n${run.stderr()}`);
  }
  await during();
  return { code: await run.code, stderr: run.stderr() };
}

async function completes(p: TempProject, r: { code: number | null; stderr: string }, alias: string): Promise<void> {
  if (r.code !== 0) {
    // Failed cleanly: exit 1, the alias where it was; a re-run completes.
    expect(r.code, r.stderr).toBe(1);
    expect(await aliasTargets(alias)).toEqual([`${alias}-1`]);
    process.stderr.write(`[node-loss] the activation failed cleanly (${r.stderr.split('\n').find((l) => l.includes('FAILED'))}); running esm apply again\n`);
    await esm(p, ['apply', '--auto-approve']);
  }
  expect(await aliasTargets(alias)).toEqual([`${alias}-2`]);
  expect(await countDocs(alias)).toBe(N);
}

describe('a node lost during an activation', () => {
  it('while waiting for green: the wait goes on until the instance is green again (its copies placed anew, or the node back), then the alias moves', async () => {
    const { p, alias } = await replacing('c3wait');
    const index = `${alias}-2`;
    let victim = 0;
    const r = await applyHolding(
      p,
      (q) => q.method === 'GET' && q.path.split('?')[0] === `/_cluster/health/${index}`,
      async () => {
        victim = await nodeWithPrimary(index);
        await killNode(victim);
        await new Promise((res) => setTimeout(res, 5000));
        await restartNode(victim);
      },
    );
    expect(victim).toBeGreaterThan(1);
    // It saw the lost copies, and waited until they were active again.
    if (r.code === 0) {
      expect(r.stderr).toMatch(new RegExp(`wait for ${index} to be green [0-5] of 6 shard copies active, waited`));
      expect(r.stderr).toMatch(new RegExp(`wait for ${index} to be green done in \\S+ \\(green, 6 of 6 shard copies active, [23] data nodes\\)`));
    }
    await completes(p, r, alias);
  });

  it('while the alias swap is on its way: the swap is sent again to the cluster that lost a node (its manager, when not node 1)', async () => {
    const { p, alias } = await replacing('c3swap');
    let victim = 0;
    const r = await applyHolding(
      p,
      (q) => q.method === 'POST' && q.path.split('?')[0] === '/_aliases',
      async () => {
        victim = await managerOrNode2();
        await killNode(victim);
      },
    );
    expect(victim).toBeGreaterThan(1);
    await completes(p, r, alias);
  });
});
