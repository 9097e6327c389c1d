// The programmatic API: what a deployment script importing esm would do.
import { afterAll, describe, expect, it } from 'vitest';
import { computePlan, executePlan, listMasters, resolveConfig, Session, type ProgressEvent } from '../../src/index.js';
import { ndjson, tempProject } from '../support/project.js';
import { rawClient } from '../support/es.js';

const p = tempProject('lib');
afterAll(() => p.cleanup());

describe('esm as a library', () => {
  it('plans and applies a first deployment, reporting progress events', async () => {
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
    const config = await resolveConfig({}, p.env, p.dir);
    const events: ProgressEvent[] = [];
    const s = new Session(config, { emit: (e) => events.push(e) });
    try {
      const plan = await computePlan(s);
      expect(plan.masters.map((m) => [m.name, m.decision])).toEqual([['tags', 'create']]);
      const result = await executePlan(s, plan, await s.manifests());
      expect(result.ok).toBe(true);
      const listing = await listMasters(s);
      expect(listing.masters[0]).toMatchObject({ name: 'tags', active: `${p.prefix}tags-1` });
    } finally {
      await s.close();
    }
    expect(events.some((e) => e.kind === 'step_done' && e.step.op === 'fill' && e.docs === 50)).toBe(true);
    expect((await rawClient().count({ index: `${p.prefix}tags` })).count).toBe(50);
  });
});
