/**
 * `npm run demo` on a shared cluster: it honours ESM_PREFIX, deletes only its
 * own indices — `<prefix><master>-<N>` of its masters, made by esm for that master — and
 * `npm run demo:clean` removes what it created. Everything else on the cluster, under
 * its prefix or not, is left alone (it used to delete every `demo_*` index).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupPrefix, esUrl, rawClient, testPrefix } from '../support/es.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const prefix = testPrefix('demo');
const other = testPrefix('demoother');

afterAll(async () => {
  await cleanupPrefix(prefix);
  await cleanupPrefix(other);
  // The demo's project copy, when a failed run left it.
  rmSync(path.join(ROOT, '.cache', 'demo', prefix), { recursive: true, force: true });
});

function demo(args: string[] = []) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'demo.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ESM_URL: esUrl(), ESM_PREFIX: prefix, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** An index as esm makes one: `_meta.esm` names its master. */
async function esmIndex(name: string, master: string): Promise<void> {
  await rawClient().indices.create({ index: name, settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: { _meta: { esm: { master, instance: 1 } } } });
}

async function names(pattern: string): Promise<string[]> {
  const res = await rawClient().indices.get({ index: pattern, allow_no_indices: true, ignore_unavailable: true, expand_wildcards: ['open', 'closed'] });
  return Object.keys(res).sort();
}

describe('npm run demo on a shared cluster', () => {
  it('runs under ESM_PREFIX, deletes only its own indices, and demo:clean removes what it created', async () => {
    // Someone else's indices: another master under the demo's prefix, the same master under another prefix,
    // an index without esm's _meta that merely looks like an instance; and a demo instance left by an earlier run.
    await esmIndex(`${prefix}notes-1`, 'notes');
    await esmIndex(`${other}movies-1`, 'movies');
    await rawClient().indices.create({ index: `${prefix}movies-archive` });
    await esmIndex(`${prefix}movies-1`, 'movies');

    const r = demo();
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain(`removed the demo's indices from an earlier run: ${prefix}movies-1\n`);
    expect(r.stdout).toContain(`(prefix ${prefix}, project copy in .cache/demo/${prefix})`);
    expect(r.stdout).toContain(`It creates the aliases ${prefix}books, ${prefix}movies and their instances`);
    const alias = await rawClient().indices.getAlias({ name: `${prefix}movies` });
    expect(Object.keys(alias)).toHaveLength(1);
    expect(await names(`${prefix}*`)).toEqual(expect.arrayContaining([`${prefix}notes-1`, `${prefix}movies-archive`]));
    expect(await names(`${other}*`)).toEqual([`${other}movies-1`]);
    expect(existsSync(path.join(ROOT, '.cache', 'demo', prefix))).toBe(true);

    const clean = demo(['--clean']);
    expect(clean.code, `${clean.stdout}\n${clean.stderr}`).toBe(0);
    expect(clean.stdout).toMatch(new RegExp(`removed the demo's indices from an earlier run: ${prefix}(books|movies)-\\d+`));
    expect(await names(`${prefix}*`)).toEqual([`${prefix}movies-archive`, `${prefix}notes-1`]);
    expect(await names(`${other}*`)).toEqual([`${other}movies-1`]);
    expect(existsSync(path.join(ROOT, '.cache', 'demo', prefix))).toBe(false);
  }, 600_000);

  it('refuses a prefix esm would refuse, before reading or deleting anything', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'demo.mjs'), '--clean'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ESM_URL: esUrl(), ESM_PREFIX: '*' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('demo: invalid ESM_PREFIX "*": lowercase, not starting with - _ + ., without \\ / * ? " < > | space , # :\n');
  });
});
