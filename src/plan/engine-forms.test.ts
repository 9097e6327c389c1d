/**
 * The plan against the engine's form of the spec (SPEC §7 "Desired state as the engine
 * will hold it"), with plain objects: what the engine adds is no drift and no change,
 * fields dynamic mapping added are no removal, a refused spec stops the plan, a template
 * that declares otherwise is a warning, and the engine is asked only where it matters.
 */
import { describe, expect, it } from 'vitest';
import type { IndexSnapshot } from '../cluster/types.js';
import { InvalidInputError } from '../errors.js';
import { fingerprint } from '../fingerprint/index.js';
import { aManifest } from '../../test/support/manifest-builders.js';
import type { Manifest } from '../manifest/types.js';
import { aHistory, anIndex, aSnapshot } from '../../test/support/plan-builders.js';
import { formsWanted, templateConflicts } from './engine-forms.js';
import type { PlanEngineForm, PlanSpec } from './inputs.js';
import { createPlan } from './plan.js';
import { renderPlanText } from '../render/plan-text.js';
import type { MasterPlan, Plan } from './types.js';

/** OpenSearch adds doc_values: false to every wildcard field: its form of this spec differs from the text. */
const TEXT: PlanSpec = {
  settings: { number_of_shards: 1, number_of_replicas: 0 },
  mappings: { properties: { url: { properties: { path: { type: 'wildcard' } } }, labels: { type: 'object', dynamic: true }, message: { type: 'text' } } },
};
const withDocValues = (spec: PlanSpec): PlanSpec => {
  const s = structuredClone(spec) as { settings: Record<string, any>; mappings: Record<string, any> };
  s.mappings['properties'].url.properties.path.doc_values = false;
  return s;
};
const held = (spec: PlanSpec, template: Extract<PlanEngineForm, { kind: 'held' }>['template'] = null): PlanEngineForm => ({ kind: 'held', spec, template });

function manifest(spec: PlanSpec = TEXT): Manifest {
  return aManifest({ name: 'ecs', settings: spec.settings, mappings: spec.mappings });
}

function plan(m: Manifest, indices: IndexSnapshot[], forms: Record<string, PlanEngineForm> = {}): Plan {
  return createPlan({
    manifests: [m],
    snapshot: { ...aSnapshot({ indices }), engine: 'opensearch', version: '2.19.6' },
    history: aHistory(),
    prefix: '',
    now: new Date('2025-06-01T12:00:00.000Z'),
    planId: 'p',
    git: null,
    base: { stateHash: 's', clusterHash: 'c' },
    engineForms: forms,
  });
}

const ecs = (p: Plan): MasterPlan => p.masters[0]!;

/** The instance as OpenSearch created it from TEXT: the engine's form, recorded or not. */
function created(o: { recorded?: boolean; live?: PlanSpec; manifestSpec?: PlanSpec } = {}): IndexSnapshot {
  const index = anIndex({ master: 'ecs', n: 1, active: true, spec: o.manifestSpec ?? TEXT, live: o.live ?? withDocValues(TEXT) });
  if (o.recorded) index.meta!.engineFingerprint = fingerprint(withDocValues(o.manifestSpec ?? TEXT));
  index.mappings = { ...index.mappings, _meta: { esm: index.meta } };
  return index;
}

describe('an instance holds what the engine made of the spec', () => {
  it('OpenSearch wildcard doc_values is no drift, with the engine form or with its recorded fingerprint', () => {
    const withForm = plan(manifest(), [created()], { ecs: held(withDocValues(TEXT)) });
    expect(ecs(withForm).decision).toBe('noop');
    expect(withForm.warnings).toEqual([]);
    // Recorded at creation: known with no engine form at all (and formsWanted asks for none).
    const m = manifest();
    const recorded = created({ recorded: true });
    expect(plan(m, [recorded]).warnings).toEqual([]);
    expect(formsWanted({ manifests: [m], snapshot: aSnapshot({ indices: [recorded] }), history: aHistory(), prefix: '' })).toEqual([]);
    // Neither: the engine is asked.
    expect(formsWanted({ manifests: [m], snapshot: aSnapshot({ indices: [created()] }), history: aHistory(), prefix: '' })).toEqual([
      { master: 'ecs', name: 'ecs-1', spec: { settings: TEXT.settings, mappings: TEXT.mappings } },
    ]);
  });

  it('after that, adding a field is in place, not a replace that undoes doc_values', () => {
    const next = structuredClone(TEXT) as { settings: Record<string, any>; mappings: Record<string, any> };
    next.mappings['properties'].host = { type: 'keyword' };
    const p = plan(manifest(next), [created({ recorded: true })], { ecs: held(withDocValues(next)) });
    expect(ecs(p).decision).toBe('in_place');
    expect(ecs(p).reasons.join('\n')).toContain('mappings.properties.host: added {"type":"keyword"} (new field, added in place)');
    expect(ecs(p).reasons.join('\n')).not.toContain('doc_values');
    // The engine's form is the mapping body, and its fingerprint is recorded.
    const step = ecs(p).steps[0]!;
    expect(step.op === 'in_place' && step.mappings).toMatchObject({ properties: { url: { properties: { path: { type: 'wildcard', doc_values: false } } } } });
    expect(ecs(p).engineFingerprint).toBe(fingerprint(withDocValues(next)));
  });

  it('a real drift is still drift', () => {
    const drifted = withDocValues(TEXT) as { settings: Record<string, any>; mappings: Record<string, any> };
    drifted.mappings['properties'].message.search_analyzer = 'simple';
    const p = plan(manifest(), [created({ live: drifted })], { ecs: held(withDocValues(TEXT)) });
    expect(p.warnings.map((w) => w.code)).toEqual(['drift']);
    expect(p.warnings[0]!.message).toContain('mappings.properties.message.search_analyzer');
  });
});

describe('fields added by dynamic mapping', () => {
  const live = (): PlanSpec => {
    const s = withDocValues(TEXT) as { settings: Record<string, any>; mappings: Record<string, any> };
    s.mappings['properties'].labels = { dynamic: 'true', properties: { env: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } }, team: { type: 'long' } } };
    return s;
  };

  it('listed once, not drift, and known without the engine when the rest matches what was recorded', () => {
    const m = manifest();
    const index = created({ recorded: true, live: live() });
    expect(formsWanted({ manifests: [m], snapshot: aSnapshot({ indices: [index] }), history: aHistory(), prefix: '' })).toEqual([]);
    const p = plan(m, [index]);
    expect(ecs(p).decision).toBe('noop');
    expect(p.warnings).toEqual([]);
    const line = '2 fields added by dynamic mapping (not a change; declare them in the manifest to make them part of the schema, as esm import does): labels.env, labels.team';
    expect(ecs(p).reasons.filter((r) => r.includes('dynamic mapping'))).toEqual([line]);
    expect(ecs(p).dynamicFields).toEqual(['labels.env', 'labels.team']);
    // Listed once under the unchanged master in the text plan, and no change there.
    const text = renderPlanText(p, { color: false });
    expect(text.split('\n').filter((l) => l.includes('dynamic mapping'))).toEqual([`    # ${line}`]);
    expect(text).toContain('No changes.');
  });

  it('a settings edit with dynamic fields live is in place, not a replace of a "removed properties block"', () => {
    const next = { settings: { ...TEXT.settings, refresh_interval: '5s' }, mappings: TEXT.mappings };
    const p = plan(manifest(next), [created({ recorded: true, live: live() })], { ecs: held(withDocValues(next)) });
    expect(ecs(p).decision).toBe('in_place');
    expect(ecs(p).reasons.join('\n')).not.toContain('removed');
    expect(ecs(p).reasons.join('\n')).toContain('added by dynamic mapping');
    expect(ecs(p).steps.map((s) => s.op)).toEqual(['in_place']);
  });

  it('a declared field the manifest drops is still a removal, dynamic fields or not', () => {
    const next = structuredClone(TEXT) as { settings: Record<string, any>; mappings: Record<string, any> };
    delete next.mappings['properties'].message;
    const p = plan(manifest(next), [created({ recorded: true, live: live() })], { ecs: held(withDocValues(next)) });
    // `message: text` without a keyword multi-field is not what dynamic mapping makes of a string.
    expect(ecs(p).decision).toBe('replace');
    expect(ecs(p).reasons.join('\n')).toContain('mappings.properties.message: removed');
  });
});

describe('an engine that cannot say (no simulate API)', () => {
  it('the plan compares with the manifest as before, and records no engine fingerprint', () => {
    const next = structuredClone(TEXT) as { settings: Record<string, any>; mappings: Record<string, any> };
    next.mappings['properties'].host = { type: 'keyword' };
    const p = plan(manifest(next), [created({ live: TEXT })], { ecs: { kind: 'unavailable', reason: 'no simulate API' } });
    expect(ecs(p).decision).toBe('in_place');
    expect(ecs(p).engineFingerprint).toBeUndefined();
    const step = ecs(p).steps[0]!;
    expect(step.op === 'in_place' && step.mappings).toEqual(next.mappings);
  });
});

describe('a spec the engine refuses', () => {
  it('stops the plan (exit 3) naming the master and the full field', () => {
    const e = (() => {
      try {
        plan(manifest(), [], { ecs: { kind: 'refused', reasons: ['No handler for type [wildcard] declared on field [path]'] } });
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(InvalidInputError);
    expect((e as InvalidInputError).exitCode).toBe(3);
    expect((e as InvalidInputError).problems.map((p) => p.message)).toEqual(['ecs: the cluster refuses field url.path: No handler for type [wildcard] declared on field [url.path]']);
  });
});

describe('index templates', () => {
  const template = { info: { name: 'logs-tpl', composedOf: ['base'] }, spec: { settings: { codec: 'best_compression' }, mappings: { properties: { message: { type: 'match_only_text' }, extra: { type: 'keyword' } } } } };

  it('what a template adds is no drift and no change; what it declares otherwise is a template_conflict naming it', () => {
    const form = withDocValues(TEXT) as { settings: Record<string, any>; mappings: Record<string, any> };
    form.settings['codec'] = 'best_compression';
    form.mappings['properties'].extra = { type: 'keyword' };
    const p = plan(manifest(), [created({ live: form })], { ecs: held(form, template) });
    expect(ecs(p).decision).toBe('noop');
    expect(p.warnings.map((w) => w.code)).toEqual(['template_conflict']);
    expect(p.warnings[0]!.message).toContain('index template logs-tpl (composed of base)');
    expect(p.warnings[0]!.message).toContain('mappings.properties.message: {"type":"match_only_text"} in the template, {"type":"text"} in the manifest');
  });

  it('templateConflicts: only what both declare, differently', () => {
    const manifestSpec = { settings: { number_of_shards: 1, refresh_interval: '1s' }, mappings: { dynamic: 'strict', properties: { a: { properties: { b: { type: 'keyword' } }, dynamic: 'true' } } } };
    const tpl = { settings: { number_of_shards: 3, number_of_replicas: 2, refresh_interval: '1s' }, mappings: { dynamic: 'strict', properties: { a: { dynamic: 'false', properties: { b: { type: 'keyword' }, c: { type: 'long' } } } } } };
    expect(templateConflicts(manifestSpec, tpl)).toEqual([
      'settings.number_of_shards: 3 in the template, 1 in the manifest',
      'mappings.properties.a.dynamic: false in the template, true in the manifest',
    ]);
    // A default the canonical form fills in (number_of_replicas: 1) is not the template declaring it.
    expect(templateConflicts({ settings: { number_of_replicas: 0 }, mappings: {} }, { settings: { refresh_interval: '7s' }, mappings: {} })).toEqual([]);
  });
});
