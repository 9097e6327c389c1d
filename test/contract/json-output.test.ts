/**
 * The JSON documents scripts read (SPEC §8 `history --json`, `list --json`; §14 the
 * offline plan) against the schemas shipped in schemas/: what esm prints must fit them,
 * and the schemas must refuse a renamed field. (The plan of §7 is checked the same way
 * in src/manifest/schemas.test.ts.) Without a cluster: the history and the offline plan
 * are printed by the CLI itself, the listing by the function `esm list --json` prints.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/history/index.js';
import { ACTION_NAMES, ACTION_STATUSES } from '../../src/history/types.js';
import { aManifest, DEFAULT_MAPPINGS, manifestYaml } from '../support/manifest-builders.js';
import { buildListing, listingJson } from '../../src/operations/list.js';
import { anIndex, anIndexNamed, aSnapshot, aHistory, anInstanceRecord } from '../support/plan-builders.js';
import { runCli } from '../support/cli.js';
import { scratchDir, writeIn } from '../support/scratch.js';

const SCHEMAS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schemas');
const NAMES = ['history', 'list', 'offline-plan'] as const;
const schemaOf = (name: string) => JSON.parse(readFileSync(path.join(SCHEMAS, `${name}.schema.json`), 'utf8')) as Record<string, any>;
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validators = new Map<string, ValidateFunction>(NAMES.map((n) => [n, ajv.compile(schemaOf(n))]));

/** Fails with ajv's errors when `value` does not fit the schema; true otherwise. */
function fits(name: (typeof NAMES)[number], value: unknown): boolean {
  const validate = validators.get(name)!;
  const ok = validate(value);
  expect(validate.errors ?? [], JSON.stringify(value).slice(0, 300)).toEqual([]);
  return ok as boolean;
}
const accepts = (name: (typeof NAMES)[number], value: unknown) => validators.get(name)!(value) === true;

/** No cluster at all: nothing listens there. */
const ENV = { ESM_URL: 'http://127.0.0.1:9' };

describe('the schemas', () => {
  it.each(NAMES)('%s: has $id, title and a description of every property', (name) => {
    const schema = schemaOf(name);
    expect(schema['$id']).toBe(`urn:esm:schemas:${name}`);
    const undocumented: string[] = [];
    const walk = (s: unknown, at: string) => {
      if (typeof s !== 'object' || s === null) return;
      const o = s as Record<string, unknown>;
      if (typeof o['description'] !== 'string') undocumented.push(at);
      for (const group of ['properties', 'definitions'] as const) {
        for (const [k, v] of Object.entries((o[group] as Record<string, unknown>) ?? {})) walk(v, `${at}/${group}/${k}`);
      }
      if (o['items']) walk(o['items'], `${at}/items`);
    };
    walk(schema, '#');
    expect(undocumented).toEqual([]);
  });

  it("history: names exactly the actions and statuses the store records", () => {
    const item = schemaOf('history').properties.actions.items.properties;
    expect([...item.action.enum].sort()).toEqual([...ACTION_NAMES].sort());
    expect([...item.status.enum].sort()).toEqual([...ACTION_STATUSES].sort());
  });
});

describe('esm history --json', () => {
  it('fits schemas/history.schema.json: complete, failed, queued and in-progress actions, a failed run’s plan row, a note', async () => {
    const dir = scratchDir('history-json');
    const state = path.join(dir, 'history.sqlite');
    const store = await HistoryStore.open(state, { now: () => new Date('2026-01-01T00:00:00.000Z') });
    const done = store.startAction({ action: 'create', master: 'movies', instance: 'movies-1', argv: ['esm', 'apply'], commit: 'abc', planId: 'p1' });
    store.finishAction(done, { status: 'complete' });
    const fill = store.startAction({ action: 'update', master: 'movies', instance: 'movies-1' });
    store.finishAction(fill, { status: 'failed', error: 'the cluster answered 503', docsAffected: 10 });
    store.queueAction({ action: 'activate', master: 'movies', instance: 'movies-1' });
    store.startAction({ action: 'reset' });
    const swapped = store.startAction({ action: 'activate', master: 'movies', instance: 'movies-1' });
    store.finishAction(swapped, { status: 'complete', note: 'confirmed from the cluster: alias movies points at movies-1 (the answer was lost: …)' });
    store.recordFailure({ action: 'plan', argv: ['esm', 'apply'] }, 'saved plan is stale, run esm plan again: …');
    store.close();

    const r = await runCli(['history', '--json', '--state', state], { cwd: dir, env: ENV });
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(doc.actions.map((a: { status: string }) => a.status)).toEqual(['failed', 'complete', 'in_progress', 'queued', 'failed', 'complete']);
    expect(doc.actions[1].note).toMatch(/^confirmed from the cluster: /);
    expect(fits('history', doc)).toBe(true);

    const renamed = structuredClone(doc);
    renamed.actions[0].docs = renamed.actions[0].docsAffected;
    delete renamed.actions[0].docsAffected;
    expect(accepts('history', renamed)).toBe(false);
    expect(accepts('history', { actions: [{ ...doc.actions[0], status: 'done' }] })).toBe(false);
  });
});

describe('esm list --json', () => {
  it('fits schemas/list.schema.json: active, filled, unfilled and foreign instances, and an orphan master', () => {
    const movies = aManifest({ name: 'movies' });
    const spec = { settings: movies.spec.settings, mappings: movies.spec.mappings };
    const listing = buildListing({
      prefix: '',
      declared: [{ name: 'movies', fingerprint: movies.fingerprint }],
      snapshot: {
        ...aSnapshot({
          indices: [
            anIndex({ master: 'movies', n: 1, spec }),
            anIndex({ master: 'movies', n: 2, spec, active: true, docs: 5 }),
            anIndex({ master: 'movies', n: 3, spec: { settings: {}, mappings: {} }, filledAt: null }),
            anIndex({ master: 'movies', n: 4, managed: false }),
            anIndex({ master: 'old', n: 7, active: true }),
            anIndexNamed('unrelated'),
          ],
        }),
        engine: 'elasticsearch',
      },
      history: aHistory({ instances: [anInstanceRecord({ master: 'movies', number: 1, commit: 'abc' })] }),
    });
    const doc = JSON.parse(JSON.stringify(listingJson(listing)));
    expect(doc.masters.map((m: { name: string }) => m.name)).toEqual(['movies', 'old']);
    expect(doc.masters[0].instances.map((i: { status: string }) => i.status)).toEqual(['filled', 'active', 'unfilled', 'unfilled']);
    expect(fits('list', doc)).toBe(true);
    // Who holds the apply lock: nobody, or a run.
    const lock = { holder: 'ci@runner-7', pid: 4242, host: 'runner-7', startedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-01T00:02:00.000Z', command: 'esm apply --auto-approve' };
    expect(fits('list', JSON.parse(JSON.stringify(listingJson({ ...listing, lock: null }))))).toBe(true);
    expect(fits('list', JSON.parse(JSON.stringify(listingJson({ ...listing, lock }))))).toBe(true);
    expect(accepts('list', { ...doc, lock: { holder: 'ci@runner-7' } })).toBe(false);

    const renamed = structuredClone(doc);
    renamed.masters[0].activeInstance = renamed.masters[0].active;
    delete renamed.masters[0].active;
    expect(accepts('list', renamed)).toBe(false);
  });
});

describe('esm plan --offline --json', () => {
  it('fits schemas/offline-plan.schema.json: added, removed, changed (replace, in place) and unchanged masters, with the history read', async () => {
    const project = scratchDir('offline-json');
    const write = (name: string, text: string | null) => {
      if (text === null) rmSync(path.join(project, 'manifests', `${name}.yaml`));
      else writeIn(project, `manifests/${name}.yaml`, text);
    };
    for (const name of ['movies', 'books', 'songs', 'films']) write(name, manifestYaml({ name }));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: project, stdio: 'ignore' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    write('movies', manifestYaml({ name: 'movies', mappings: { ...DEFAULT_MAPPINGS, properties: { ...DEFAULT_MAPPINGS.properties, title: { type: 'keyword' } } } }));
    write('books', manifestYaml({ name: 'books', settings: { number_of_shards: 1, number_of_replicas: 2 } }));
    write('films', null);
    write('shows', manifestYaml({ name: 'shows' }));

    const store = await HistoryStore.open(path.join(project, '.esm', 'state.sqlite'), { now: () => new Date('2026-01-01T00:00:00.000Z') });
    store.upsertMaster({ name: 'movies', alias: 'movies', activeInstance: 'movies-1' });
    store.finishAction(store.startAction({ action: 'update', master: 'movies', instance: 'movies-1' }), { status: 'complete', docsAffected: 1200 });
    store.close();

    const r = await runCli(['plan', '--offline', '--base', 'main', '--json'], { cwd: project, env: ENV });
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(Object.fromEntries(doc.masters.map((m: { name: string; status: string; verdict: string | null }) => [m.name, `${m.status} ${m.verdict}`]))).toEqual({
      books: 'changed in_place',
      films: 'removed null',
      movies: 'changed replace',
      shows: 'added null',
      songs: 'unchanged null',
    });
    expect(doc.history).toEqual({ file: path.join('.esm', 'state.sqlite'), read: true });
    expect(fits('offline-plan', doc)).toBe(true);

    const renamed = structuredClone(doc);
    renamed.summary.new_instances = renamed.summary.newInstances;
    delete renamed.summary.newInstances;
    expect(accepts('offline-plan', renamed)).toBe(false);
    expect(accepts('offline-plan', { ...doc, kind: 'cluster' })).toBe(false);
  });
});
