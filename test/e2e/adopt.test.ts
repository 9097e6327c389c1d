/**
 * Adoption on the real node (SPEC §11): esm takes over indices it did not create,
 * each shape, without downtime. An alias over one index and an index with no alias
 * get `_meta.esm` (and the alias); a concrete index used by name is write-blocked,
 * cloned and swapped for an alias in one `_aliases` call while reads go on without
 * a single failure. A failure between the block and the swap leaves the index as it
 * was; a kill there is resumed by the next apply. Then `esm plan` has nothing to do.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { aliasTargets, countDocs, esm, indicesOf, metaOf } from '../support/apply-fixtures.js';
import { esUrl, rawClient, testEngine } from '../support/es.js';
import { journal } from '../support/history-files.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { tempProject, type TempProject } from '../support/project.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/esm.js');

const SETTINGS = { number_of_shards: 1, number_of_replicas: 0 };
const MAPPINGS = { properties: { name: { type: 'text' }, sku: { type: 'keyword' } } };
const DOCS = 30;

/** An index no tool created, holding DOCS documents, with other `_meta` keys of its own. */
async function legacyIndex(name: string, aliases: string[] = []): Promise<void> {
  await rawClient().indices.create({
    index: name,
    settings: SETTINGS,
    mappings: { ...MAPPINGS, _meta: { owner: 'catalog-team' } },
    ...(aliases.length ? { aliases: Object.fromEntries(aliases.map((a) => [a, {}])) } : {}),
  } as never);
  const operations = Array.from({ length: DOCS }, (_, i) => [{ index: { _index: name, _id: `p-${i}` } }, { name: `Product ${i}`, sku: `sku-${i}` }]).flat();
  await rawClient().bulk({ operations, refresh: true });
}

/** A project whose manifest describes the legacy index exactly (what esm import writes). */
function adoptionProject(label: string, master = 'products'): TempProject {
  const p = tempProject(label);
  p.manifest(master, stringify({ apiVersion: 'esm/v1', kind: 'IndexMaster', metadata: { name: master }, spec: { settings: SETTINGS, mappings: MAPPINGS } }));
  return p;
}

/** The history's actions, oldest first. */
const actionsOf = (p: TempProject): Promise<string[]> => journal(p.statePath, (a) => `${a.action} ${a.instance ?? ''} ${a.status}`);

async function mappingOf(index: string): Promise<Record<string, unknown>> {
  const res = await rawClient().indices.getMapping({ index });
  return Object.values(res)[0]!.mappings as Record<string, unknown>;
}

async function writeBlocked(index: string): Promise<boolean> {
  const res = await rawClient().indices.getSettings({ index, flat_settings: true });
  return String((Object.values(res)[0]!.settings as Record<string, unknown>)['index.blocks.write']) === 'true';
}

/**
 * Reads `name` over and over until stopped, as an application does: a read the engine
 * answers 503 (all shards failed, no shard available) is tried again after 50 ms, up to
 * 5 times, as the clients' retry policies do. The engines answer that for the few tens of
 * milliseconds they take to apply the swap (measured: OpenSearch 2.19, a few reads a swap;
 * Elasticsearch 8.19, rarely): the name's old index is gone before the search routing knows.
 * Counts the reads and the 503s retried; keeps every failure that remains, and every other error.
 */
function pollReads(name: string): { stop(): Promise<{ reads: number; retried: number; failures: string[] }> } {
  let running = true;
  let reads = 0;
  let retried = 0;
  const failures: string[] = [];
  const readOnce = async (attempt: number): Promise<void> => {
    try {
      const r = await rawClient().search({ index: name, size: 1, query: { match_all: {} } }, { maxRetries: 0 });
      const total = typeof r.hits.total === 'number' ? r.hits.total : r.hits.total?.value;
      if (total !== DOCS) failures.push(`read ${reads}: ${String(total)} hits`);
    } catch (e) {
      const status = (e as { meta?: { statusCode?: number } }).meta?.statusCode;
      if (status === 503 && attempt < 5) {
        retried++;
        await sleep(50);
        return readOnce(attempt + 1);
      }
      failures.push(`read ${reads} (attempt ${attempt}): ${status ?? ''} ${(e as Error).message}`);
    }
  };
  const loop = (async () => {
    while (running) {
      await readOnce(1);
      reads++;
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { reads, retried, failures };
    },
  };
}

describe('adoption (esm apply of an adopt decision)', () => {
  it('an alias over one index: _meta.esm is written into it, nothing else changes, and the plan is then empty', async () => {
    const p = adoptionProject('adal');
    const index = `${p.prefix}catalog_2023`;
    const alias = `${p.prefix}products`;
    await legacyIndex(index, [alias]);
    const plan = (await esm(p, ['plan', '--json'])).json();
    expect(plan.masters[0]).toMatchObject({ decision: 'adopt', active: index, steps: [{ op: 'adopt', index, number: 0, via: 'meta' }] });
    expect(plan.summary).toMatchObject({ adopt: 1, create: 0 });

    const r = await esm(p, ['apply', '--auto-approve']);
    expect(r.stdout).toContain('<= products: adopt');
    expect(await aliasTargets(alias)).toEqual([index]);
    expect(await indicesOf(p.prefix)).toEqual([index]);
    expect(await countDocs(alias)).toBe(DOCS);
    const meta = await metaOf(index);
    expect(meta).toMatchObject({ master: 'products', instance: 0, alias, fingerprint: plan.masters[0].fingerprint, filledAt: expect.any(String) });
    // The index's own _meta keys stay.
    expect((await mappingOf(index))['_meta']).toMatchObject({ owner: 'catalog-team' });
    expect(await actionsOf(p)).toEqual([`import ${index} complete`]);

    const again = await esm(p, ['plan', '--detailed-exitcode'], 0);
    expect(again.stdout).toContain('No changes.');
    expect((await esm(p, ['plan', '--json'])).json().masters[0].instances).toEqual([{ name: index, number: 0, foreign: true }]);
  });

  it('an index with no alias named <master>-<N>: adopted as instance N, and one _aliases call adds the alias', async () => {
    const p = adoptionProject('adbare', 'orders');
    const index = `${p.prefix}orders-3`;
    const alias = `${p.prefix}orders`;
    await legacyIndex(index);
    const r = await esm(p, ['apply', '--auto-approve']);
    expect(r.stdout).toContain(`adopt ${index} and add the alias ${alias}`);
    expect(await aliasTargets(alias)).toEqual([index]);
    expect(await metaOf(index)).toMatchObject({ master: 'orders', instance: 3, alias });
    expect(await actionsOf(p)).toEqual([`import ${index} complete`, `activate ${index} complete`]);
    await esm(p, ['plan', '--detailed-exitcode'], 0);
    // Numbering goes on from it: a change that needs a new instance makes orders-4.
    p.manifest('orders', stringify({ apiVersion: 'esm/v1', kind: 'IndexMaster', metadata: { name: 'orders' }, spec: { settings: SETTINGS, mappings: { properties: { name: { type: 'keyword' }, sku: { type: 'keyword' } } } } }));
    const next = (await esm(p, ['plan', '--json'])).json().masters[0];
    expect(next.steps[0]).toEqual({ op: 'create', index: `${alias}-4`, number: 4 });
  });

  it('a concrete index used by name: cloned and swapped for an alias; reads go on (a retried 503 at most while the engine applies the swap), and the write block is measured', async () => {
    const p = adoptionProject('adclone');
    const name = `${p.prefix}products`;
    await legacyIndex(name);
    const text = await esm(p, ['plan']);
    expect(text.stdout).toContain(`<= products: adopt ${name} as ${name}-1 (writes to ${name} refused for seconds while it is cloned)`);

    const poll = pollReads(name);
    await sleep(200);
    const r = await esm(p, ['apply', '--auto-approve', '--json']);
    await sleep(200);
    const { reads, retried, failures } = await poll.stop();
    expect(failures).toEqual([]);
    expect(reads).toBeGreaterThan(10);
    if (retried) console.log(`[${testEngine().id}] ${retried} read attempt(s) answered 503 while the engine applied the swap, each succeeded when tried again`);

    const step = r.json().masters[0].steps[0];
    expect(step).toMatchObject({ op: 'adopt', index: `${name}-1`, status: 'done', writeBlockedMs: expect.any(Number) });
    expect(step.writeBlockedMs).toBeGreaterThan(0);
    // The name is now the alias; the index it was is gone; every document is there, and writes go through.
    expect(await aliasTargets(name)).toEqual([`${name}-1`]);
    expect(await indicesOf(p.prefix)).toEqual([`${name}-1`]);
    expect(await countDocs(name)).toBe(DOCS);
    expect(await writeBlocked(`${name}-1`)).toBe(false);
    await rawClient().index({ index: name, id: 'new', document: { name: 'New', sku: 'new' }, refresh: true });
    expect(await countDocs(name)).toBe(DOCS + 1);
    const meta = await metaOf(`${name}-1`);
    expect(meta).toMatchObject({ master: 'products', instance: 1, alias: name, clonedFrom: expect.any(String) });
    expect(meta['adoption']).toBeUndefined();
    expect((await mappingOf(`${name}-1`))['_meta']).toMatchObject({ owner: 'catalog-team' });
    expect(await actionsOf(p)).toEqual([`import ${name}-1 complete`]);
    expect((await esm(p, ['plan', '--detailed-exitcode'], 0)).stdout).toContain('No changes.');
  });

  it('a failure between the block and the swap leaves the index as it was: no clone, no marker, writes allowed', async () => {
    const p = adoptionProject('adfail');
    const name = `${p.prefix}products`;
    await legacyIndex(name);
    const proxy = await startFaultProxy(esUrl(), { match: (r) => r.method === 'POST' && /\/_clone\//.test(r.path), failFirst: Infinity, status: 503 });
    const r = await p.cli(['apply', '--auto-approve'], { env: { ESM_URL: proxy.url } });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(`${name} is as it was (its clone removed, writes allowed again)`);
    expect(await indicesOf(p.prefix)).toEqual([name]);
    expect(await writeBlocked(name)).toBe(false);
    expect((await mappingOf(name))['_meta']).toEqual({ owner: 'catalog-team' });
    expect(await countDocs(name)).toBe(DOCS);
    expect((await actionsOf(p)).at(-1)).toBe(`import ${name}-1 failed`);
    // Nothing is left to resume: the next plan adopts afresh.
    expect((await esm(p, ['plan', '--json'])).json().masters[0].steps).toEqual([{ op: 'adopt', index: name, number: 1, via: 'clone', to: `${name}-1` }]);
  });

  it.each([
    { held: 'the _clone request', clone: false, match: (r: { method: string; path: string }) => r.method === 'POST' && /\/_clone\//.test(r.path) },
    { held: 'the _aliases swap', clone: true, match: (r: { method: string; path: string }) => r.method === 'POST' && r.path.split('?')[0] === '/_aliases' },
  ])('killed between the block and the swap ($held held): the next plan says so and the next apply finishes it, block lifted', async ({ match, clone }) => {
    expect(existsSync(path.join(ROOT, 'dist/cli.js')), 'run npm run build first').toBe(true);
    const p = adoptionProject('adkill');
    const name = `${p.prefix}products`;
    await legacyIndex(name);
    // The proxy holds the request unanswered: the block is on, the clone made or not, the swap never comes.
    const proxy = await startFaultProxy(esUrl(), { match, silentFirst: 1 });
    const child = spawn(process.execPath, [BIN, 'apply', '--auto-approve'], { cwd: p.dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...p.env, ESM_URL: proxy.url }, stdio: 'ignore' });
    const exit = once(child, 'exit');
    while (proxy.matched === 0 && child.exitCode === null) await sleep(50);
    child.kill('SIGKILL');
    await exit;
    await proxy.close();

    // Reads of the name still work; writes are refused until the adoption is finished.
    expect(await countDocs(name)).toBe(DOCS);
    expect(await writeBlocked(name)).toBe(true);
    const plan = (await esm(p, ['plan', '--json'])).json().masters[0];
    expect(plan.steps).toEqual([{ op: 'adopt', index: name, number: 1, via: 'clone', to: `${name}-1`, resumes: true }]);
    expect(plan.reasons.join('\n')).toContain(clone ? `${name}-1 is its unfinished clone` : `an earlier adoption of ${name} stopped before its swap`);

    await esm(p, ['apply', '--auto-approve']);
    expect(await aliasTargets(name)).toEqual([`${name}-1`]);
    expect(await indicesOf(p.prefix)).toEqual([`${name}-1`]);
    expect(await writeBlocked(`${name}-1`)).toBe(false);
    expect(await countDocs(name)).toBe(DOCS);
    const history = await actionsOf(p);
    expect(history).toEqual([`import ${name}-1 aborted`, `import ${name}-1 complete`]);
    expect((await esm(p, ['plan', '--detailed-exitcode'], 0)).stdout).toContain('No changes.');
  });
});
