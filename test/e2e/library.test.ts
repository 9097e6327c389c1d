// The programmatic API: what a deployment script importing esm would do (the README's example).
import { describe, expect, it } from 'vitest';
import { applyPlan, listMasters, resolveConfig, Session, type ProgressEvent } from '../../src/index.js';
import { ndjson, tempProject } from '../support/project.js';
import { rawClient } from '../support/es.js';

const p = tempProject('lib');

describe('esm as a library', () => {
  it('applies a first deployment under the apply lock, reporting progress events', async () => {
    p.write('data/tags.ndjson', ndjson(Array.from({ length: 50 }, (_, i) => ({ id: i, name: `tag ${i}` }))));
    p.manifest(
      'tags',
      `apiVersion: esm/v1
kind: IndexMaster
metadata: { name: tags }
spec:
  settings: { number_of_shards: 1, number_of_replicas: 0 }
  mappings: { dynamic: strict, properties: { id: { type: long }, name: { type: keyword } } }
  source: { type: ndjson, path: ../data/tags.ndjson }
  idField: id
`,
    );
    // As in the README:
    const events: ProgressEvent[] = [];
    const s = new Session(await resolveConfig({}, p.env, p.dir), { emit: (event) => events.push(event) });
    try {
      const approved: unknown[] = [];
      const { plan, result } = await applyPlan(s, { approve: async (planned) => void approved.push(planned.summary) });
      expect(approved).toEqual([plan.summary]);
      expect(plan.masters.map((m) => [m.name, m.decision])).toEqual([['tags', 'create']]);
      expect(result.ok).toBe(true);
      const listing = await listMasters(s);
      expect(listing.masters[0]).toMatchObject({ name: 'tags', active: `${p.prefix}tags-1` });
      // Applied again: nothing to do.
      const again = await applyPlan(s);
      expect(again.result.masters).toEqual([]);
    } finally {
      await s.close();
    }
    expect(events.some((e) => e.kind === 'step_done' && e.step.op === 'fill' && e.docs === 50)).toBe(true);
    expect((await rawClient().count({ index: `${p.prefix}tags` })).count).toBe(50);
    // The lock was released: another apply gets it.
    const t = new Session(await resolveConfig({}, p.env, p.dir));
    try {
      expect((await applyPlan(t)).result.ok).toBe(true);
    } finally {
      await t.close();
    }
  });
});
