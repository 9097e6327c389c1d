/** The JSON Schemas of schemas/: usable by editors, and true to what esm reads and writes. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aHistory, anIndex, anIndexNamed, aSnapshot } from '../../test/support/plan-builders.js';
import { createPlan, type PlanInput } from '../plan/plan.js';
import { DECISIONS, STEP_OPS, type Plan } from '../plan/types.js';
import type { Manifest } from './types.js';
import { aManifest } from '../../test/support/manifest-builders.js';
import { loadManifests } from './load.js';
import { masterNameProblem } from './master-name.js';
import { schemaOf, validatorOf, type SchemaName } from './schemas.js';

const NAMES: SchemaName[] = ['manifest', 'config', 'plan'];

/** Every property schema under `properties` (and `definitions`), with its JSON path. */
function propertySchemas(schema: unknown, at = '#'): [string, Record<string, unknown>][] {
  if (typeof schema !== 'object' || schema === null) return [];
  const s = schema as Record<string, unknown>;
  const out: [string, Record<string, unknown>][] = [];
  for (const group of ['properties', 'definitions'] as const) {
    const children = s[group];
    if (typeof children !== 'object' || children === null) continue;
    for (const [k, v] of Object.entries(children)) {
      if (typeof v !== 'object' || v === null) continue;
      out.push([`${at}/${group}/${k}`, v as Record<string, unknown>], ...propertySchemas(v, `${at}/${group}/${k}`));
    }
  }
  for (const key of ['items', 'additionalProperties'] as const) {
    if (typeof s[key] === 'object' && s[key] !== null) out.push(...propertySchemas(s[key], `${at}/${key}`));
  }
  return out;
}

describe('schemas', () => {
  it.each(NAMES)('%s: has $id and title, compiles, and describes every property', (name) => {
    const schema = schemaOf(name);
    expect(schema['$id']).toMatch(/^urn:esm:schemas:/);
    expect(typeof schema['title']).toBe('string');
    expect(typeof schema['description']).toBe('string');
    expect(() => validatorOf(name)).not.toThrow();
    const undocumented = propertySchemas(schema)
      .filter(([p, s]) => typeof s['description'] !== 'string' && !p.includes('/then/'))
      .map(([p]) => p);
    expect(undocumented).toEqual([]);
  });

  it('the manifest schema pattern for metadata.name agrees with the loader on names (what editors flag)', () => {
    const props = (schemaOf('manifest')['definitions'] as any).masterMetadata.properties.name;
    const pattern = new RegExp(props.pattern as string, 'u');
    const names = ['movies', 'movies_v2', 'movies-v2', '2024-movies', 'a.b', 'é-films', 'Movies', 'my movies', 'a,b', 'a#b', 'a:b', 'a*b', 'a\\b', 'a/b', 'a"b', 'a<b', 'a|b', '_m', '-m', '+m', '.m', '.', '..', 'movies-2', 'movies-v2-10'];
    for (const name of names) expect({ name, ok: pattern.test(name) }).toEqual({ name, ok: masterNameProblem(name) === undefined });
  });

  it('the manifests shipped with the project are valid', async () => {
    const repo = path.resolve(import.meta.dirname, '../..');
    const ms = await loadManifests(path.join(repo, 'manifests'), { cwd: repo });
    expect(ms.map((m) => m.name).sort()).toEqual(['books', 'movies']);
  });
});

describe('plan.schema.json', () => {
  const validate = validatorOf('plan');
  const mk = (manifests: Manifest[], indices: ReturnType<typeof anIndex>[], engineForms: PlanInput['engineForms'] = {}): Plan =>
    createPlan({
      engineForms,
      manifests,
      snapshot: aSnapshot({ indices }),
      history: aHistory(),
      prefix: '',
      now: new Date('2025-06-01T12:00:00.000Z'),
      planId: 'plan-1',
      git: { commit: 'abc123', branch: 'main', dirty: false },
      base: { stateHash: 's', clusterHash: 'c' },
    });
  const movies = aManifest({ name: 'movies', keepInactive: 0 });
  const spec = { settings: movies.spec.settings, mappings: movies.spec.mappings };
  const otherType = { settings: spec.settings, mappings: { properties: { id: { type: 'long' } } } };
  const moreReplicas = { settings: { ...spec.settings, number_of_replicas: 2 }, mappings: spec.mappings };

  const stoppedFill = createPlan({
    manifests: [aManifest({ name: 'movies', keepInactive: 0 })],
    snapshot: aSnapshot({ indices: [anIndex({ master: 'movies', n: 1, spec: otherType, active: true }), anIndex({ master: 'movies', n: 2, spec, filledAt: null })] }),
    history: {
      ...aHistory(),
      unfinishedFills: {
        'movies-2': { docs: 10, total: 20, startedAt: '2025-05-01T00:00:00.000Z', at: '2025-05-01T00:01:00.000Z', status: 'aborted', position: { kind: 'ndjson', file: '../data/movies.ndjson', prior: 'x', offset: 100, line: 10, size: 200, mtimeMs: 1, lastId: 'm-10' } },
      },
    },
    prefix: '',
    now: new Date('2025-06-01T12:00:00.000Z'),
    planId: 'plan-2',
    git: null,
    base: { stateHash: 's', clusterHash: 'c' },
  });
  const plans: [string, Plan][] = [
    ['resume a stopped fill', stoppedFill],
    ['create', mk([movies], [])],
    ['create without a source (marked filled)', mk([aManifest({ name: 'movies', source: undefined })], [])],
    ['replace with catch-up and drops', mk([movies], [anIndex({ master: 'movies', n: 1, spec: otherType }), anIndex({ master: 'movies', n: 2, spec: otherType, active: true })])],
    ['in place', mk([movies], [anIndex({ master: 'movies', n: 1, spec: moreReplicas, active: true })])],
    ['noop with an orphan warning', mk([movies], [anIndex({ master: 'movies', n: 1, spec, active: true }), anIndex({ master: 'old', n: 1, active: true })])],
    ['conflict', mk([movies], [anIndexNamed('movies')])],
    [
      'catch up and activate a pre-created instance',
      mk([movies], [anIndex({ master: 'movies', n: 1, spec: otherType, active: true }), anIndex({ master: 'movies', n: 2, spec, lastUpdateAt: '2025-05-01T00:00:00.000Z' })]),
    ],
    ['adopt an index used by name (clone)', mk([movies], [anIndexNamed('movies', { settings: spec.settings, mappings: spec.mappings })])],
    [
      'create with the engine form, an index template declaring otherwise (template_conflict)',
      mk([movies], [], {
        movies: { kind: 'held', spec, template: { info: { name: 'tpl', composedOf: [] }, spec: { settings: {}, mappings: { properties: { id: { type: 'long' } } } } } },
      }),
    ],
    ['adopt a foreign-named index behind the alias', mk([movies], [anIndexNamed('movies_v3', { aliases: ['movies'], settings: spec.settings, mappings: spec.mappings })])],
  ];

  it('has a plan that resumes a fill among them', () => {
    expect(stoppedFill.masters[0]!.steps[0]).toHaveProperty('resume.position.kind', 'ndjson');
  });

  it.each(plans)('accepts the plan createPlan makes: %s', (_name, plan) => {
    const ok = validate(JSON.parse(JSON.stringify(plan)));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('covers every step op and decision in the plans above', () => {
    const ops = new Set(plans.flatMap(([, p]) => p.masters.flatMap((m) => m.steps.map((s) => s.op))));
    expect([...ops].sort()).toEqual([...STEP_OPS].sort());
    const decisions = new Set(plans.flatMap(([, p]) => p.masters.map((m) => m.decision)));
    expect([...decisions].sort()).toEqual([...DECISIONS].sort());
    expect(new Set(plans.flatMap(([, p]) => p.warnings.map((w) => w.code)))).toEqual(new Set(['orphan', 'conflict', 'template_conflict']));
  });

  it('names exactly the decisions and step ops the planner can make', () => {
    const defs = (schemaOf('plan') as any).definitions;
    expect([...defs.master.properties.decision.enum].sort()).toEqual([...DECISIONS].sort());
    expect([...defs.step.properties.op.enum].sort()).toEqual([...STEP_OPS].sort());
  });

  it.each([
    ['an unknown decision', (p: any) => (p.masters[0].decision = 'replaced')],
    ['a renamed summary field', (p: any) => (p.summary.catchUp = p.summary.catch_up, delete p.summary.catch_up)],
    ['a step of an unknown op', (p: any) => p.masters[0].steps.push({ op: 'reindex', index: 'x' })],
    ['an activate step without its target', (p: any) => delete p.masters[0].steps.find((s: any) => s.op === 'activate').to],
    ['an adopt step without its way', (p: any) => p.masters[0].steps.push({ op: 'adopt', index: 'x', number: 0 })],
    ['another format version', (p: any) => (p.formatVersion = 2)],
  ])('refuses %s', (_name, edit) => {
    const plan = JSON.parse(JSON.stringify(plans[0]![1]));
    edit(plan);
    expect(validate(plan)).toBe(false);
  });
});
