/**
 * Adoption and foreign-named instances in the pure planner (SPEC §11): which index
 * esm takes over, how, and when it refuses; an adopted `products_v3` is an instance
 * like the others (activation, retention, numbering).
 */
import { describe, expect, it } from 'vitest';
import type { IndexSnapshot, InstanceMeta } from '../cluster/types.js';
import { fingerprint } from '../fingerprint/index.js';
import type { HistoryView } from '../history/types.js';
import type { Manifest } from '../manifest/types.js';
import { withFingerprint } from '../manifest/with-fingerprint.js';
import { aHistory, anIndex, anIndexNamed, aSnapshot } from '../../test/support/plan-builders.js';
import type { IndexSpec } from './diff.js';
import { createPlan } from './plan.js';
import { stepProblems } from './preconditions.js';
import type { MasterPlan, Plan } from './types.js';

const SPEC: IndexSpec = {
  settings: { number_of_shards: '1', number_of_replicas: '1' },
  mappings: { properties: { name: { type: 'text' }, sku: { type: 'keyword' } } },
};
const OTHER: IndexSpec = { settings: SPEC.settings, mappings: { properties: { name: { type: 'keyword' } } } };

function products(spec: IndexSpec = SPEC, keepInactive = 2): Manifest {
  return withFingerprint({
    name: 'products',
    labels: {},
    spec: { settings: spec.settings, mappings: spec.mappings, activation: { minDocRatio: 0 }, retention: { keepInactive } },
    origin: { file: 'manifests/products.yaml', line: 1, col: 1, dir: 'manifests' },
  });
}

function plan(indices: IndexSnapshot[], o: { manifest?: Manifest; history?: HistoryView; prefix?: string } = {}): Plan {
  return createPlan({
    manifests: [o.manifest ?? products()],
    snapshot: aSnapshot({ indices, prefix: o.prefix ?? '' }),
    history: o.history ?? aHistory(),
    prefix: o.prefix ?? '',
    now: new Date('2025-06-01T12:00:00.000Z'),
    planId: 'plan-1',
    git: null,
    base: { stateHash: 's', clusterHash: 'c' },
  });
}

const master = (p: Plan): MasterPlan => p.masters[0]!;
const reasons = (m: MasterPlan) => m.reasons.join('\n');

/** An index esm did not create, holding `spec`. */
const legacy = (name: string, o: { aliases?: string[]; spec?: IndexSpec; settings?: Record<string, unknown> } = {}) =>
  anIndexNamed(name, { aliases: o.aliases ?? [], settings: { ...(o.spec ?? SPEC).settings, ...o.settings }, mappings: (o.spec ?? SPEC).mappings, docs: 42 });

/** An index esm adopted under a foreign name (`_meta.esm` with the alias it was adopted under). */
function adopted(name: string, o: { aliases?: string[]; prefix?: string; spec?: IndexSpec } = {}): IndexSnapshot {
  const spec = o.spec ?? SPEC;
  const meta: InstanceMeta = {
    master: 'products',
    instance: 0,
    fingerprint: fingerprint(spec),
    createdAt: '2024-01-01T00:00:00.000Z',
    commit: null,
    filledAt: '2025-01-01T00:00:00.000Z',
    lastUpdateAt: null,
    alias: `${o.prefix ?? ''}products`,
  };
  return anIndexNamed(name, { aliases: o.aliases ?? [], settings: spec.settings, mappings: { ...spec.mappings, _meta: { esm: meta } }, meta, docs: 42 });
}

describe('createPlan: adopt', () => {
  it('adopts the one index an alias points at by writing _meta.esm into it, and nothing else', () => {
    const p = plan([legacy('catalog_2023', { aliases: ['products'] })]);
    const m = master(p);
    expect(m).toMatchObject({ decision: 'adopt', active: 'catalog_2023', steps: [{ op: 'adopt', index: 'catalog_2023', number: 0, via: 'meta' }] });
    expect(reasons(m)).toContain('the alias products points at catalog_2023, which esm did not create');
    expect(reasons(m)).toContain('a foreign-named instance of products');
    expect(p.summary).toMatchObject({ adopt: 1, create: 0, activate: 0, noop: 0 });
    expect(p.warnings).toEqual([]);
  });

  it('adopts an index without an alias named <master>-<N> as instance N, then adds the alias', () => {
    const m = master(plan([legacy('products-3')]));
    expect(m.decision).toBe('adopt');
    expect(m.steps).toEqual([
      { op: 'adopt', index: 'products-3', number: 3, via: 'meta' },
      { op: 'wait', index: 'products-3', health: 'green' },
      { op: 'activate', alias: 'products', from: null, to: 'products-3' },
    ]);
  });

  it('adopts an index without an alias named <master>_v<N> as a foreign-named instance', () => {
    const m = master(plan([legacy('products_v2')]));
    expect(m.steps).toEqual([
      { op: 'adopt', index: 'products_v2', number: 0, via: 'meta' },
      { op: 'wait', index: 'products_v2', health: 'green' },
      { op: 'activate', alias: 'products', from: null, to: 'products_v2' },
    ]);
  });

  it('says why an index that would be the master is not adopted, when it differs from the manifest', () => {
    const m = master(plan([legacy('products-3', { spec: OTHER })]));
    expect(m.decision).toBe('create');
    expect(reasons(m)).toContain('products-3 does not match the manifest (from the index to the manifest: mappings.properties.name.type: keyword → text');
  });

  it('does not choose between several indices that would be the master: it creates a new instance as before', () => {
    const m = master(plan([legacy('products-2'), legacy('products-3')]));
    expect(m.decision).toBe('create');
    expect(m.steps[0]).toEqual({ op: 'create', index: 'products-4', number: 4 });
  });

  it('adopts a concrete index used by name by cloning it to <master>-1 and swapping it for the alias', () => {
    const p = plan([legacy('products')]);
    const m = master(p);
    expect(m).toMatchObject({ decision: 'adopt', active: null });
    expect(m.blocked).toBeUndefined();
    expect(m.steps).toEqual([{ op: 'adopt', index: 'products', number: 1, via: 'clone', to: 'products-1' }]);
    expect(reasons(m)).toContain('in ONE _aliases call');
    expect(reasons(m)).toContain('reads go on: the name is the index until the swap and the alias after');
    expect(reasons(m)).toContain('writes to products are refused from the block to the swap');
    expect(p.warnings).toEqual([]);
  });

  it('numbers the clone after the highest -N present', () => {
    const m = master(plan([legacy('products'), legacy('products-4', { spec: OTHER })]));
    expect(m.steps).toEqual([{ op: 'adopt', index: 'products', number: 5, via: 'clone', to: 'products-5' }]);
  });

  it('refuses an index that differs from the manifest, saying how, and blocks the master as before', () => {
    const p = plan([legacy('catalog', { aliases: ['products'], spec: OTHER })]);
    const m = master(p);
    expect(m.blocked).toContain('the alias "products" points at "catalog", which is not an instance of master products');
    expect(m.blocked).toContain('catalog does not match the manifest (from the index to the manifest: mappings.properties.name.type: keyword → text');
    expect(m.blocked).toContain('esm import writes a manifest that matches it');
    expect(m.steps).toEqual([]);
    expect(p.warnings).toEqual([{ code: 'conflict', master: 'products', message: m.blocked }]);
  });

  it('never adopts an index another master’s _meta.esm claims, nor one behind an alias with several indices', () => {
    const claimed = anIndexNamed('catalog', { aliases: ['products'], settings: SPEC.settings, mappings: SPEC.mappings, meta: { master: 'films', instance: 1, fingerprint: 'sha256:x', createdAt: '', commit: null } });
    expect(master(plan([claimed])).blocked).toContain('which is not an instance of master products');
    const two = master(plan([legacy('a', { aliases: ['products'] }), legacy('b', { aliases: ['products'] })]));
    expect(two.decision).toBe('noop');
    expect(two.blocked).toContain('"a", "b"');
  });

  it('resumes a clone adoption that stopped before its swap: the block and the marker are its own, the clone is made again', () => {
    const blocked = legacy('products', { settings: { blocks: { write: 'true' } } });
    // Without the marker of an adoption, a write block is part of the index, which then differs from the manifest.
    expect(master(plan([blocked])).blocked).toContain('settings.blocks.write');

    const marker = { esm: { adoption: { to: 'products-1', source: 'uuid-products' } } };
    const marked = { ...blocked, mappings: { ...blocked.mappings, _meta: marker } };
    const m = master(plan([marked]));
    expect(m.steps).toEqual([{ op: 'adopt', index: 'products', number: 1, via: 'clone', to: 'products-1', resumes: true }]);
    expect(reasons(m)).toContain('an earlier adoption of products stopped before its swap');

    // Its clone inherited the marker at birth; it is no instance, and it is made again under the same name.
    const clone = anIndexNamed('products-1', { settings: SPEC.settings, mappings: { ...SPEC.mappings, _meta: marker } });
    const again = master(plan([marked, clone]));
    expect(again.steps).toEqual([{ op: 'adopt', index: 'products', number: 1, via: 'clone', to: 'products-1', resumes: true }]);
    expect(again.instances).toEqual([]);
    expect(reasons(again)).toContain('products-1 is its unfinished clone');

    // A products-1 that is not that clone is left alone: the clone goes to the next number.
    const stranger = anIndexNamed('products-1', { settings: SPEC.settings, mappings: SPEC.mappings });
    expect(master(plan([marked, stranger])).steps).toEqual([{ op: 'adopt', index: 'products', number: 2, via: 'clone', to: 'products-2', resumes: true }]);
  });

  it('keeps the preconditions of an adoption: the index exists, the clone name is free unless resumed', () => {
    const p = plan([legacy('products')]);
    const world = (names: string[]) => ({ indices: new Map(names.map((n) => [n, { filled: false }])), aliases: new Map<string, string[]>() });
    expect(stepProblems(p, world(['products']))).toEqual([]);
    expect(stepProblems(p, world([]))).toEqual(['products step 1 (adopt products as products-1): products does not exist']);
    expect(stepProblems(p, world(['products', 'products-1']))).toEqual(['products step 1 (adopt products as products-1): products-1, which it clones to, exists already']);
    const bare = plan([legacy('products-3')]);
    expect(stepProblems(bare, world(['products-3']))).toEqual([]);
  });
});

describe('createPlan: foreign-named instances', () => {
  it('treats an adopted products_v3 as an instance: no changes, listed with foreign: true', () => {
    const m = master(plan([adopted('products_v3', { aliases: ['products'] })]));
    expect(m).toMatchObject({ decision: 'noop', active: 'products_v3', steps: [] });
    expect(m.instances).toEqual([{ name: 'products_v3', number: 0, foreign: true }]);
  });

  it('numbers the first new instance 1, and retention drops the foreign one like any other', () => {
    const m = master(plan([adopted('products_v3', { aliases: ['products'] })], { manifest: products(OTHER, 0) }));
    expect(m.decision).toBe('replace');
    expect(m.steps.map((s) => s.op)).toEqual(['create', 'mark_filled', 'wait', 'activate', 'drop']);
    expect(m.steps[0]).toEqual({ op: 'create', index: 'products-1', number: 1 });
    expect(m.steps[4]).toMatchObject({ op: 'drop', index: 'products_v3' });
  });

  it('keeps an inactive foreign-named instance as the oldest one', () => {
    const newer = anIndex({ master: 'products', n: 1, spec: SPEC, active: true });
    const m = master(plan([adopted('products_v3'), newer], { manifest: products(SPEC, 1) }));
    expect(m.instances).toEqual([
      { name: 'products_v3', number: 0, foreign: true },
      { name: 'products-1', number: 1, foreign: false },
    ]);
    expect(m.decision).toBe('noop');
    // It can be gone back to: with the manifest matching it, it is activated again.
    const back = master(plan([adopted('products_v3', { spec: OTHER }), anIndex({ master: 'products', n: 1, spec: SPEC, active: true })], { manifest: products(OTHER) }));
    expect(back.decision).toBe('catch_up_activate');
    expect(back.steps.find((s) => s.op === 'activate')).toEqual({ op: 'activate', alias: 'products', from: 'products-1', to: 'products_v3' });
  });

  it('belongs to the environment it was adopted in, not to another prefix sharing the cluster', () => {
    const other = adopted('qa1_catalog', { prefix: 'qa1_' });
    expect(master(plan([other])).instances).toEqual([]);
    expect(master(plan([other], { prefix: 'qa1_' })).instances).toEqual([{ name: 'qa1_catalog', number: 0, foreign: true }]);
  });
});
