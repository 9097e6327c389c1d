/** `esm list` against the real node: the SPEC §8 JSON shape, the table, orphans, --es-only, read-only. */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/fingerprint/index.js';
import { aManifest, DEFAULT_MAPPINGS, manifestYaml } from '../support/manifest-builders.js';
import { testCluster } from '../support/es.js';
import type { TempProject } from '../support/project.js';
import { clusterState, expectOneLineError, gitCommit, instance, ok, project, stateBytes } from './helpers.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const withYear2 = { ...DEFAULT_MAPPINGS, properties: { ...DEFAULT_MAPPINGS.properties, year2: { type: 'integer' } } };

let p: TempProject;
let commit1: string;
let commit2: string;

/*
 * movies: instance 1 (old spec, 5 docs, active), instance 2 (current spec, empty);
 * books: declared, no instance; old: an orphan (manifest removed, instance 1 in the cluster).
 */
beforeAll(async () => {
  p = project('list', { movies: { docs: 5 }, old: { docs: 2 } });
  commit1 = gitCommit(p.dir);
  await instance(p, 'movies');
  await ok(p, ['activate', 'movies']);
  await instance(p, 'old');
  rmSync(`${p.manifestsDir}/old.yaml`);
  p.manifest('books', manifestYaml({ name: 'books' }));
  p.manifest('movies', manifestYaml({ name: 'movies', mappings: withYear2 }));
  commit2 = gitCommit(p.dir);
  await instance(p, 'movies', { fill: false });
});
describe('esm list', () => {
  it('--json has the SPEC §8 shape: every declared master, then orphans, each instance with status and currency', async () => {
    const r = await ok(p, ['list', '--json']);
    expect(r.stderr).toBe('');
    const desired = fingerprint(aManifest({ name: 'movies', mappings: withYear2 }).spec);
    const previous = fingerprint(aManifest({ name: 'movies' }).spec);
    const inst = (master: string, n: number, o: object) => ({ name: `${p.prefix}${master}-${n}`, number: n, createdAt: expect.stringMatching(ISO), ...o });
    expect(r.json()).toEqual({
      cluster: { name: expect.any(String), engine: expect.stringMatching(/^(elasticsearch|opensearch)$/), version: expect.stringMatching(/^\d+\.\d+\.\d+/) },
      lock: null,
      masters: [
        { name: 'books', alias: `${p.prefix}books`, fingerprint: fingerprint(aManifest({ name: 'books' }).spec), active: null, instances: [] },
        {
          name: 'movies',
          alias: `${p.prefix}movies`,
          fingerprint: desired,
          active: `${p.prefix}movies-1`,
          instances: [
            inst('movies', 1, { fingerprint: previous, active: true, docs: 5, status: 'active', commit: commit1, current: false }),
            inst('movies', 2, { fingerprint: desired, active: false, docs: 0, status: 'unfilled', commit: commit2, current: true }),
          ],
        },
        {
          name: 'old',
          alias: `${p.prefix}old`,
          fingerprint: null,
          active: null,
          instances: [inst('old', 1, { fingerprint: fingerprint(aManifest({ name: 'old' }).spec), active: false, docs: 2, status: 'filled', commit: commit1, current: null })],
        },
      ],
      companions: [],
    });
    // Exactly the documented keys, in the documented order.
    const movies = r.json().masters[1];
    expect(Object.keys(movies)).toEqual(['name', 'alias', 'fingerprint', 'active', 'instances']);
    expect(Object.keys(movies.instances[0])).toEqual(['name', 'number', 'fingerprint', 'active', 'docs', 'status', 'createdAt', 'commit', 'current']);
  });

  it('prints an aligned table without ANSI when not on a TTY, and colours on a TTY', async () => {
    const r = await ok(p, ['list']);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^cluster \S+ \((Elasticsearch|OpenSearch) \d+\.\d+\.\d+\)$/);
    expect(lines[1]).toBe(`environment prefix: ${p.prefix}`);
    const head = lines.findIndex((l) => l.startsWith('movies'));
    expect(lines[head]).toMatch(new RegExp(`^movies  alias ${p.prefix}movies → ${p.prefix}movies-1  desired [0-9a-f]{12}$`));
    const [header, row1, row2] = lines.slice(head + 1, head + 4) as [string, string, string];
    expect(header.trim().split(/\s+/)).toEqual(['INSTANCE', 'DOCS', 'FINGERPRINT', 'STATUS', 'CREATED', 'COMMIT', 'CURRENT']);
    for (const col of ['DOCS', 'STATUS', 'COMMIT', 'CURRENT']) {
      const at = header.indexOf(col);
      expect(row1[at - 1]).toBe(' ');
      expect(row2[at - 1]).toBe(' ');
      expect(row1[at]).not.toBe(' ');
    }
    expect(row1).toMatch(new RegExp(`^  \\* +${p.prefix}movies-1 +5 +[0-9a-f]{12} +active +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ +${commit1.slice(0, 7)} +no$`));
    expect(row2).toMatch(new RegExp(`^ {5}${p.prefix}movies-2 +0 +[0-9a-f]{12} +unfilled +.+ +${commit2.slice(0, 7)} +yes$`));
    expect(r.stdout).toContain('old  alias');
    expect(r.stdout).toContain('orphan: no manifest declares it');
    expect(r.stdout).toMatch(/^books .*\(no active instance\)/m);

    const coloured = await p.cli(['list'], { isTTY: true });
    expect(coloured.stdout).toMatch(/\x1b\[/);
  });

  it('lists only the masters named, and names the known masters for an unknown one (exit 3)', async () => {
    const r = await ok(p, ['list', 'movies', 'old', '--json']);
    expect(r.json().masters.map((m: { name: string }) => m.name)).toEqual(['movies', 'old']);
    expectOneLineError(await p.cli(['list', 'films']), 3, /^esm: unknown master "films" \(known masters: books, movies, old\)\n$/);
  });

  it('changes neither the cluster nor the state file', async () => {
    const [cluster, bytes] = [await clusterState(p.prefix), stateBytes(p)];
    await ok(p, ['list']);
    await ok(p, ['list', '--json', '--es-only']);
    expect(await clusterState(p.prefix)).toEqual(cluster);
    expect(stateBytes(p)).toEqual(bytes);
  });

  it('--es-only works without a state file, creates none, and agrees with the state when it is in sync', async () => {
    const withState = (await ok(p, ['list', '--json'])).json();
    const state = `${p.dir}/missing/state.sqlite`;
    const r = await ok(p, ['list', '--es-only', '--json', '--state', state]);
    expect(r.json()).toEqual(withState);
    expect(existsSync(state)).toBe(false);
    // Without --es-only, a missing state file is not created either.
    await ok(p, ['list', '--state', state]);
    expect(existsSync(state)).toBe(false);
  });

  it('--es-only needs no manifests directory: it lists what the cluster holds; plain list still asks for one (exit 3)', async () => {
    const missing = `${p.dir}/no-manifests-here`;
    type Row = { name: string; instances: unknown[] };
    const declared = (await ok(p, ['list', '--es-only', '--json'])).json().masters as Row[];
    const inCluster = declared.filter((m) => m.instances.length > 0).map((m) => m.name);
    expect(inCluster.length).toBeGreaterThan(0);
    const r = await ok(p, ['list', '--es-only', '--json', '--manifests', missing]);
    expect((r.json().masters as Row[]).map((m) => m.name)).toEqual(inCluster);
    expect((await p.cli(['list', '--manifests', missing])).code).toBe(3);
  });

  it('--es-only ignores a damaged state file that plain list refuses (exit 1, file untouched)', async () => {
    const junk = `${p.dir}/junk.sqlite`;
    const bytes = randomBytes(4096);
    writeFileSync(junk, bytes);
    const refused = await p.cli(['list', '--state', junk]);
    expectOneLineError(refused, 1, /junk\.sqlite is not an esm state file .*Move it away/);
    expect(refused.stdout).toBe('');
    expect((await ok(p, ['list', '--es-only', '--state', junk, 'movies'])).stdout).toContain(`${p.prefix}movies-1`);
    expect(stateBytes({ ...p, statePath: junk })).toEqual(bytes);
  });

  it('says who holds the apply lock, since when and until when (text and --json), changing nothing', async () => {
    const lock = await testCluster().acquireLock(p.prefix, { holder: 'ci@runner-7', command: 'esm apply --auto-approve' }, { ttlMs: 120_000, host: 'runner-7', pid: 4242, heartbeat: false });
    try {
      const json = (await ok(p, ['list', '--json'])).json();
      expect(json.lock).toEqual(lock.doc);
      const text = (await ok(p, ['list'])).stdout;
      expect(text).toContain(`apply lock held by ci@runner-7 (pid 4242 on host runner-7) since ${lock.doc.startedAt}, expires ${lock.doc.expiresAt} (in `);
      expect(text).toContain('(esm apply --auto-approve)');
      expect((await ok(p, ['list', '--json'])).json().lock).toEqual(lock.doc);
    } finally {
      await lock.release();
    }
    expect((await ok(p, ['list', '--json'])).json().lock).toBeNull();
    expect((await ok(p, ['list'])).stdout).not.toContain('apply lock');
  });

  it('--help shows examples', async () => {
    const r = await p.cli(['list', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Examples$/m);
    expect(r.stdout).toContain('esm list --es-only');
  });
});
