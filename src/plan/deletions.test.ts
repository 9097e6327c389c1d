import { describe, expect, it } from 'vitest';
import { aManifest } from '../../test/support/manifest-builders.js';
import type { Manifest } from '../manifest/types.js';
import { isDeletion } from '../sources/deletions.js';
import { deletionPlan } from './deletions.js';

const m = (o: Parameters<typeof aManifest>[0], deletedField?: string): Manifest => {
  const x = aManifest(o);
  if (deletedField) x.spec.deletedField = deletedField;
  return x;
};

describe('deletionPlan', () => {
  it.each([
    ['ndjson', m({}), 'id_set'],
    ['ndjson + deletedField', m({}, 'deleted'), 'deleted_field_and_id_set'],
    ['sqlite', m({ source: { type: 'sqlite', path: 'x.sqlite', query: 'SELECT 1' } }), 'id_set'],
    ['reindex', m({ source: { type: 'reindex', from: 'films' } }), 'id_set'],
    ['module without ids', m({ source: { type: 'module', path: 'x.mjs' } }), 'none'],
    ['module without ids + deletedField', m({ source: { type: 'module', path: 'x.mjs' } }, 'deleted'), 'deleted_field'],
    ['no idField', m({ idField: undefined }, 'deleted'), 'none'],
  ])('%s → %s', (_label, manifest, method) => {
    const plan = deletionPlan(manifest, false);
    expect(plan?.method).toBe(method);
    expect(plan?.reason).toMatch(/^deletions: /);
  });

  it('a module that exports ids is compared by id set; no source, nothing to say', () => {
    expect(deletionPlan(m({ source: { type: 'module', path: 'x.mjs' } }), true)?.method).toBe('id_set');
    expect(deletionPlan(m({ source: undefined }), false)).toBeNull();
  });
});

describe('isDeletion', () => {
  it.each([
    [true, true],
    ['2024-05-01T00:00:00Z', true],
    [1714521600000, true],
    [false, false],
    [null, false],
    [undefined, false],
    ['', false],
    ['false', false],
    ['not a date', false],
  ])('deleted: %j → %s', (value, expected) => {
    expect(isDeletion(value === undefined ? { id: 1 } : { id: 1, deleted: value }, 'deleted')).toBe(expected);
  });
});
