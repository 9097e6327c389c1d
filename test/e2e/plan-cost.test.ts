/**
 * Planning cost does not grow with the number of masters: `esm plan` against
 * 500 masters sends as many HTTP requests as against 5, with no instance at all
 * and with existing instances (20 for the big project, 2 for the small one).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/fingerprint/index.js';
import { esm, movieManifest } from '../support/apply-fixtures.js';
import { esUrl, rawClient } from '../support/es.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { tempProject, type TempProject } from '../support/project.js';

const projects: TempProject[] = [];
let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  for (const p of projects.splice(0)) await p.cleanup();
});

const name = (i: number) => `m${String(i).padStart(3, '0')}`;

function manyMasters(count: number): TempProject {
  const p = tempProject(`cost${count}`);
  projects.push(p);
  for (let i = 0; i < count; i++) p.manifest(name(i), movieManifest({ name: name(i), data: null }));
  return p;
}

/** Instances 1 of the first `count` masters, with `_meta.esm` as esm writes it, the alias on each. */
async function existingInstances(p: TempProject, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const index = `${p.prefix}${name(i)}-1`;
    await rawClient().indices.create({
      index,
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: {
        dynamic: 'strict',
        properties: { id: { type: 'keyword' }, title: { type: 'text' } },
        _meta: { esm: { master: name(i), instance: 1, fingerprint: fingerprint({ settings: {}, mappings: {} }), createdAt: '2025-01-01T00:00:00.000Z', commit: null, filledAt: '2025-01-01T00:00:00.000Z', lastUpdateAt: null } },
      },
      aliases: { [`${p.prefix}${name(i)}`]: {} },
    });
  }
  await rawClient().index({ index: `${p.prefix}${name(0)}-1`, id: 'x', document: { id: 'x', title: 'one document' }, refresh: true });
}

/** HTTP requests one `esm plan` sends. */
async function planRequests(p: TempProject): Promise<{ count: number; paths: string[] }> {
  proxy ??= await startFaultProxy(esUrl(), {});
  const start = proxy.log.length;
  const r = await esm(p, ['plan', '--json', '--detailed-exitcode'], 2, { env: { ESM_URL: proxy.url } });
  expect(r.json().masters.length).toBeGreaterThan(0);
  const log = proxy.log.slice(start);
  return { count: log.length, paths: log.map((q) => `${q.method} ${q.path.replace(p.prefix, '<prefix>').replace(/\?.*/, '')}`) };
}

describe('planning cost', () => {
  it('500 masters without any instance: as many requests as 5', async () => {
    const small = await planRequests(manyMasters(5));
    const big = await planRequests(manyMasters(500));
    expect(big.count).toBe(small.count);
    expect(big.paths).toEqual(small.paths);
  });

  it('500 masters with 20 instances: as many requests as 5 masters with 2', async () => {
    const smallP = manyMasters(5);
    await existingInstances(smallP, 2);
    const bigP = manyMasters(500);
    await existingInstances(bigP, 20);
    const small = await planRequests(smallP);
    const big = await planRequests(bigP);
    const plan = (await esm(bigP, ['plan', '--json'])).json();
    expect(plan.masters.filter((m: { active: string | null }) => m.active !== null)).toHaveLength(20);
    expect(big.count).toBe(small.count);
    expect(big.paths).toEqual(small.paths);
  });
});
