/**
 * Planning cost does not grow with the number of unchanged masters: `esm plan`
 * against 500 masters whose instances hold their manifest sends as many HTTP requests
 * as against 5. A master whose instance is to be created or changed costs one read-only
 * simulation of its spec (SPEC §7: the engine's form, and a spec the engine refuses is
 * caught before anything is written) — one between masters whose specs are the same —
 * plus one read of the index templates per plan.
 */
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/fingerprint/index.js';
import { loadManifests } from '../../src/manifest/index.js';
import { esm, MOVIE_FIELDS, movieManifest } from '../support/apply-fixtures.js';
import { esUrl, rawClient } from '../support/es.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { tempProject, type TempProject } from '../support/project.js';

const name = (i: number) => `m${String(i).padStart(3, '0')}`;

/** `count` masters, each with a field of its own (`same`: all with one spec, as copies per tenant are). */
function manyMasters(count: number, o: { same?: boolean } = {}): TempProject {
  const p = tempProject(`cost${count}`);
  for (let i = 0; i < count; i++) {
    const fields = o.same ? MOVIE_FIELDS : { ...MOVIE_FIELDS, [`only_${name(i)}`]: 'keyword' };
    p.manifest(name(i), movieManifest({ name: name(i), data: null, fields }));
  }
  return p;
}

/**
 * Instances 1 of the first `count` masters, with `_meta.esm` as esm writes it, the alias on
 * each. `unchanged`: created with the manifest's spec and fingerprint; else with another spec.
 */
async function existingInstances(p: TempProject, count: number, o: { unchanged: boolean; from?: number }): Promise<void> {
  const manifests = await loadManifests(`${p.dir}/manifests`, { cwd: p.dir });
  // Several at a time: the node batches index creations (one by one, 500 take minutes on a busy machine).
  let next = o.from ?? 0;
  const end = next + count;
  const createOne = async (i: number) => {
    const m = manifests.find((x) => x.name === name(i))!;
    const index = `${p.prefix}${name(i)}-1`;
    const spec = o.unchanged
      ? { settings: m.spec.settings, mappings: m.spec.mappings }
      : { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: { dynamic: 'strict', properties: { id: { type: 'keyword' }, title: { type: 'text' } } } };
    await rawClient().indices.create({
      index,
      settings: spec.settings,
      mappings: {
        ...spec.mappings,
        _meta: { esm: { master: name(i), instance: 1, fingerprint: o.unchanged ? m.fingerprint : fingerprint({ settings: {}, mappings: {} }), createdAt: '2025-01-01T00:00:00.000Z', commit: null, filledAt: '2025-01-01T00:00:00.000Z', lastUpdateAt: null } },
      },
      aliases: { [`${p.prefix}${name(i)}`]: {} },
    });
  };
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < end) await createOne(next++);
  }));
  await rawClient().index({ index: `${p.prefix}${name(o.from ?? 0)}-1`, id: 'x', document: { id: 'x', title: 'one document' }, refresh: true });
}

/** HTTP requests one `esm plan` sends. */
async function planRequests(p: TempProject, exit = 2): Promise<{ count: number; paths: string[] }> {
  const proxy = await startFaultProxy(esUrl(), {});
  const r = await esm(p, ['plan', '--json', '--detailed-exitcode'], exit, { env: { ESM_URL: proxy.url } });
  expect(r.json().masters.length).toBeGreaterThan(0);
  return { count: proxy.log.length, paths: proxy.log.map((q) => `${q.method} ${q.path.replace(p.prefix, '<prefix>').replace(/\?.*/, '')}`) };
}

const SIMULATE = 'POST /_index_template/_simulate';
const isSimulation = (path: string) => path === SIMULATE;

describe('planning cost', () => {
  // 30 indices, not 500: creating them is what takes the time (bench/plan-unchanged.mjs plans 500).
  it('30 unchanged masters: as many requests as 5, and no simulation', async () => {
    const smallP = manyMasters(5);
    await existingInstances(smallP, 5, { unchanged: true });
    const bigP = manyMasters(30);
    await existingInstances(bigP, 30, { unchanged: true });
    const small = await planRequests(smallP, 0);
    const big = await planRequests(bigP, 0);
    expect(big.count).toBe(small.count);
    expect(big.paths).toEqual(small.paths);
    expect(big.paths.filter(isSimulation)).toEqual([]);
  });

  it('500 masters without any instance: the constant reads, the templates once, and one read-only simulation each', async () => {
    const small = await planRequests(manyMasters(5));
    const big = await planRequests(manyMasters(500));
    const constant = (r: { paths: string[] }) => r.paths.filter((q) => !isSimulation(q));
    expect(constant(big)).toEqual(constant(small));
    expect(big.paths.filter((q) => q === 'GET /_index_template')).toHaveLength(1);
    expect(small.paths.filter(isSimulation)).toHaveLength(5);
    expect(big.paths.filter(isSimulation)).toHaveLength(500);
  });

  it('500 masters without any instance, all with one spec: one simulation between them', async () => {
    const small = await planRequests(manyMasters(5, { same: true }));
    const big = await planRequests(manyMasters(500, { same: true }));
    expect(big.paths).toEqual(small.paths);
    expect(big.paths.filter(isSimulation)).toHaveLength(1);
  });

  it('20 masters with instances, 8 of them changed: one simulation for each changed one only', async () => {
    const p = manyMasters(20);
    await existingInstances(p, 12, { unchanged: true });
    await existingInstances(p, 8, { unchanged: false, from: 12 });
    const r = await planRequests(p);
    expect(r.paths.filter(isSimulation)).toHaveLength(8);
  });
});
