/**
 * The real-node half of the numbering property (SPEC §7): a seeded sequence of
 * schema changes, creates the cluster rejects, and environment prefixes sharing
 * one state file. At every step the instance `esm plan` names — with the state
 * file and without it, as a pull-request job plans — is the instance
 * `esm apply` creates, and a rejected create leaves its number free.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../support/rng.js';
import { aliasTargets, esm, indicesOf, movieManifest, movies } from '../support/apply-fixtures.js';
import { ndjson, tempProject } from '../support/project.js';

type PlanJson = { masters: { steps: { op: string; index?: string }[] }[] };
const SCHEMAS: Array<Record<string, string>> = [
  { id: 'keyword', title: 'text', updated_at: 'date' },
  { id: 'keyword', title: 'keyword', updated_at: 'date' },
  { id: 'keyword', title: 'text', year: 'integer', updated_at: 'date' },
];

describe('instance numbering on the real node (seeded sequence)', () => {
  it.each([11, 12])('seed %i: every apply creates the instance its plan named', async (seed) => {
    const random = rng(seed);
    const a = tempProject('seq');
    const b = tempProject('seq');
    a.write('data/movies.ndjson', ndjson(movies(3)));
    const prefixes = [a.prefix, b.prefix];
    let schema = 0;
    const trail: string[] = [];
    for (let step = 0; step < 7; step++) {
      const prefix = prefixes[Math.floor(random() * 2)]!;
      const rejected = random() < 0.3;
      schema = (schema + 1 + Math.floor(random() * 2)) % SCHEMAS.length;
      // A spec the engine's own check accepts (so plan names the instance) but the create refuses:
      // 1,001 shards pass index validation (≤ 1,024) and exceed a one-node cluster's shard limit
      // (1,000). A spec the engine refuses outright is caught at plan, before any number is taken.
      const settings = rejected ? { number_of_shards: 1001, number_of_replicas: 0 } : undefined;
      a.manifest('movies', movieManifest({ keepInactive: 1, fields: SCHEMAS[schema]!, ...(settings ? { settings } : {}) }));
      const env = { ESM_PREFIX: prefix };
      const named = (plan: PlanJson) => plan.masters[0]!.steps.find((s) => s.op === 'create')?.index;
      const withState = named((await esm(a, ['plan', '--json'], 0, { env })).json<PlanJson>());
      const noState = named((await esm(a, ['plan', '--json'], 0, { env: { ...env, ESM_STATE: `${a.dir}/absent/state.sqlite` } })).json<PlanJson>());
      trail.push(`${prefix} schema ${schema}${rejected ? ' rejected' : ''}: ${withState}`);
      const context = `seed ${seed}\n${trail.join('\n')}`;
      expect(noState, context).toBe(withState);
      if (!withState) continue;
      const before = await indicesOf(prefix);
      expect(before, context).not.toContain(withState);
      await esm(a, ['apply', '--auto-approve'], rejected ? 1 : 0, { env });
      const after = await indicesOf(prefix);
      if (rejected) {
        expect(after, context).toEqual(before);
        const again = named((await esm(a, ['plan', '--json'], 0, { env })).json<PlanJson>());
        expect(again, `${context}\na rejected create keeps its number free`).toBe(withState);
      } else {
        expect(after.filter((i) => !before.includes(i)), context).toEqual([withState]);
        expect(await aliasTargets(`${prefix}movies`), context).toEqual([withState]);
      }
    }
  });
});
