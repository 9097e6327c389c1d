/**
 * Companion objects in the JSON documents scripts read (SPEC §12, §14): `list --json`'s
 * `companions` and the offline plan's fit schemas/list.schema.json and
 * schemas/offline-plan.schema.json, and the schemas refuse an unknown status.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { offlineCompanions } from '../../src/companions/offline.js';
import { planCompanions } from '../../src/companions/plan.js';
import { buildListing, listedCompanion, listingJson } from '../../src/operations/list.js';
import { planOffline } from '../../src/plan/offline.js';
import { renderOfflinePlanJson } from '../../src/render/plan-json.js';
import { aLive, aPipeline, aScript, aSynonymSet, INLINE, resolveAll } from '../support/companions.js';
import { aManifest } from '../support/manifest-builders.js';
import { aHistory, aSnapshot } from '../support/plan-builders.js';

const SCHEMAS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schemas');
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validator = (name: string) => ajv.compile(JSON.parse(readFileSync(path.join(SCHEMAS, `${name}.schema.json`), 'utf8')));

const movies = aManifest({ name: 'movies', settings: { number_of_shards: 1, default_pipeline: 'enrich', analysis: { filter: { syn: { type: 'synonym', synonyms_set: 'syn' } } } } });

describe('companions in the JSON documents', () => {
  it('list --json: companions with kind, name, id, status and the masters that use them', () => {
    const r = resolveAll('qa1_', [aPipeline('enrich'), aSynonymSet('syn'), aScript('by-title')], [movies], INLINE);
    const live = aLive({ scripts: { 'qa1_by-title': { lang: 'painless', source: 'x' }, 'qa1_old': { lang: 'painless', source: 'y' } } });
    const companions = planCompanions({ prefix: 'qa1_', declared: r.companions, masters: r.masters, live, synonyms: INLINE, owned: ['StoredScript/qa1_by-title', 'StoredScript/qa1_old'], prune: false }).map(listedCompanion);
    const json = listingJson({ ...buildListing({ prefix: 'qa1_', declared: [], snapshot: aSnapshot({ prefix: 'qa1_' }), history: aHistory() }), companions });
    expect(json.companions).toEqual([
      { kind: 'StoredScript', name: 'by-title', id: 'qa1_by-title', status: 'differs', usedBy: [] },
      { kind: 'SynonymSet', name: 'syn', id: 'qa1_syn', status: 'inline', usedBy: ['movies'], synonyms: 'inline' },
      { kind: 'IngestPipeline', name: 'enrich', id: 'qa1_enrich', status: 'missing', usedBy: ['movies'] },
      { kind: 'StoredScript', name: 'old', id: 'qa1_old', status: 'orphan', usedBy: [] },
    ]);
    const validate = validator('list');
    expect(validate(json) ? [] : validate.errors).toEqual([]);
    expect(validate({ ...json, companions: [{ ...json.companions[0], status: 'gone' }] })).toBe(false);
  });

  it('plan --offline --json: companions beside the masters', () => {
    const base = { masters: [movies], companions: [aPipeline('enrich'), aSynonymSet('syn', ['a, b'])] };
    const head = { masters: [movies], companions: [aPipeline('enrich', [{ uppercase: { field: 'genre' } }]), aSynonymSet('syn', ['a, b'])] };
    const plan = { ...planOffline(base.masters, head.masters, { baseRef: 'origin/main', baseCommit: 'a'.repeat(40), head: { commit: 'b'.repeat(40), dirty: false }, history: null }), companions: offlineCompanions(base, head) };
    const json = JSON.parse(renderOfflinePlanJson(plan));
    expect(json.companions.map((c: { name: string; status: string }) => `${c.name}:${c.status}`)).toEqual(['enrich:changed', 'syn:unchanged']);
    const validate = validator('offline-plan');
    expect(validate(json) ? [] : validate.errors).toEqual([]);
  });
});
