/**
 * Three nodes: a master with a replica of each shard is filled without replicas, gets
 * its replica back after the fill, and is activated only once green — the wait shown as
 * a step of its own. A replica count three nodes can never place is a warning in the
 * plan and in the apply, and the activation waits for yellow instead of forever.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { healBed } from '../support/bed.js';
import { aliasTargets, countDocs, esm, movies } from '../support/apply-fixtures.js';
import { rawClient } from '../support/es.js';
import { ndjson, tempProject } from '../support/project.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { esUrl } from '../support/es.js';

// The project, its indices and the proxy go when each test is done (they clean up after themselves).
beforeEach(healBed);

function manifest(replicas: number): string {
  return stringify({
    apiVersion: 'esm/v1',
    kind: 'IndexMaster',
    metadata: { name: 'movies' },
    spec: {
      settings: { number_of_shards: 3, number_of_replicas: replicas },
      mappings: { dynamic: 'strict', properties: { id: { type: 'keyword' }, title: { type: 'text' }, updated_at: { type: 'date' } } },
      source: { type: 'ndjson', path: '../data/movies.ndjson' },
      idField: 'id',
    },
  });
}

describe('a fill on three nodes', () => {
  it('fills without replicas, restores the replica, waits for green as a step of its own, then activates', async () => {
    const p = tempProject('c3rep');
    const n = 30_000; // above the 10,000 documents under which a fill is not tuned
    p.write('data/movies.ndjson', ndjson(movies(n)));
    p.manifest('movies', manifest(1));
    const alias = `${p.prefix}movies`;
    const index = `${alias}-1`;

    const plan = (await esm(p, ['plan', '--json'])).json<{ masters: { steps: { op: string; health?: string }[] }[]; warnings: unknown[] }>();
    expect(plan.masters[0]!.steps.map((s) => s.op)).toEqual(['create', 'fill', 'prune', 'wait', 'activate']);
    expect(plan.masters[0]!.steps[3]).toMatchObject({ op: 'wait', health: 'green' });
    expect(plan.warnings).toEqual([]);

    // Through a proxy that records the settings esm sends.
    const proxy = await startFaultProxy(esUrl(), {});
    const r = await esm(p, ['apply', '--auto-approve'], 0, { env: { ESM_URL: proxy.url, ESM_PROGRESS_INTERVAL_MS: '0' } });
    const settings = proxy.log.filter((q) => q.method === 'PUT' && q.path.split('?')[0] === `/${index}/_settings`);
    expect(settings).toHaveLength(2); // replicas 0 for the fill, the manifest's after it
    // The wait is shown: when it starts, what it waits for, and what it found.
    expect(r.stderr).toContain(`movies: wait for ${index} to be green… (`);
    expect(r.stderr).toMatch(new RegExp(`movies: wait for ${index} to be green done in \\S+ \\(green, 6 of 6 shard copies active, 3 data nodes\\)`));
    const lines = r.stderr.split('\n');
    const waited = lines.findIndex((l) => l.includes(`wait for ${index} to be green done`));
    const activated = lines.findIndex((l) => l.includes(`activate ${alias} → ${index} done`));
    expect(waited).toBeGreaterThan(-1);
    expect(activated).toBeGreaterThan(waited);
    // The wait read the health after the settings were restored, and the alias moved after it.
    const paths = proxy.log.map((q) => `${q.method} ${q.path.split('?')[0]}`);
    const restored = paths.lastIndexOf(`PUT /${index}/_settings`);
    const read = paths.indexOf(`GET /_cluster/health/${index}`, restored);
    expect(read).toBeGreaterThan(restored);
    expect(paths.indexOf('POST /_aliases')).toBeGreaterThan(read);

    expect(await aliasTargets(alias)).toEqual([index]);
    expect(await countDocs(alias)).toBe(n);
    const got = await rawClient().indices.getSettings({ index });
    expect(got[index]!.settings?.index?.number_of_replicas).toBe('1');
    const health = await rawClient().cluster.health({ index });
    expect(health.status).toBe('green');
    expect(health.active_shards).toBe(6);
  });

  it('warns, in the plan and the apply, of replicas three nodes can never place, and activates once yellow', async () => {
    const p = tempProject('c3yel');
    p.write('data/movies.ndjson', ndjson(movies(50)));
    p.manifest('movies', manifest(3));
    const alias = `${p.prefix}movies`;
    const plan = await esm(p, ['plan']);
    expect(plan.stdout).toContain(`until ${alias}-1 is yellow (every primary active: the cluster cannot place its replicas`);
    expect(plan.stdout).toMatch(/! replicas movies: movies asks for 3 replicas of each shard and the cluster has 3 data nodes: .*can never be green/);
    const r = await esm(p, ['apply', '--auto-approve'], 0, { env: { ESM_PROGRESS_INTERVAL_MS: '0' } });
    expect(r.stdout).toContain('! replicas movies: movies asks for 3 replicas');
    expect(r.stderr).toMatch(new RegExp(`wait for ${alias}-1 to be yellow done in \\S+ \\(yellow, 9 of 12 shard copies active \\(3 unassigned\\), 3 data nodes\\)`));
    expect(await aliasTargets(alias)).toEqual([`${alias}-1`]);
    expect(await countDocs(alias)).toBe(50);
  });
});
