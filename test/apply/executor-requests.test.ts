/**
 * The executor runs the plan it is given: a saved plan whose steps no longer fit
 * the world is refused step by step, and a fresh plan makes exactly the requests
 * its steps name (recorded by a forwarding proxy in front of the real node).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_INDEX } from '../../src/cluster/index.js';
import { assertNever } from '../../src/errors.js';
import type { Plan, Step } from '../../src/plan/types.js';
import { aliasTargets, esm, indicesOf, movieManifest, movies } from '../support/apply-fixtures.js';
import { esUrl } from '../support/es.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { ndjson, tempProject, type TempProject } from '../support/project.js';

/**
 * `movies` (7 documents from an ndjson file) and `events` (no source: applications
 * write through the alias). `idSet: false`: movies has no idField, so no id-set
 * comparison (a scan of the new instance) runs before its activation.
 */
function twoMasters(o: { idSet?: boolean } = {}): TempProject {
  const p = tempProject('exq');
  p.manifest('movies', movieManifest(o.idSet === false ? { idField: null } : {}));
  p.write('data/movies.ndjson', ndjson(movies(7)));
  p.manifest('events', movieManifest({ name: 'events', data: null, updatedField: null }));
  return p;
}

const savedPlan = (p: TempProject): Plan => JSON.parse(readFileSync(path.join(p.dir, 'plan.json'), 'utf8')) as Plan;

/** The requests a step names, as `METHOD /path` (the source's 7 documents travel in one bulk request). */
function requestsOf(step: Step): string[] {
  switch (step.op) {
    case 'create':
      return [`PUT /${step.index}`];
    case 'fill': {
      const i = step.index;
      // 7 documents: a small fill is not tuned (no settings changed and restored); refreshed; then _meta.esm says filled
      return [`POST /${i}/_bulk`, `REFRESH /${i}/_refresh`, `GET /${i}/_mapping`, `PUT /${i}/_mapping`];
    }
    case 'mark_filled':
      return [`GET /${step.index}/_mapping`, `PUT /${step.index}/_mapping`];
    case 'activate':
      return ['POST /_aliases'];
    case 'wait':
      // The instance is green at once (no replicas): one read of its health.
      return [`GET /_cluster/health/${step.index}`];
    case 'catch_up':
    case 'prune':
    case 'in_place':
    case 'drop':
    case 'adopt':
      throw new Error(`not in this test's plan: ${step.op}`);
    default:
      return assertNever(step, 'step');
  }
}

describe('the executor runs the plan it is given', () => {
  it('makes exactly the requests the steps of a fresh plan name, after the reads the plan was made from', async () => {
    const p = twoMasters({ idSet: false });
    const proxy = await startFaultProxy(esUrl(), {});
    const env = { ESM_URL: proxy.url };
    const shown = (from: number) =>
      proxy.log
        .slice(from)
        .map((r) => `${r.method} ${r.path.split('?')[0]}`)
        // Either method refreshes; engines differ in which one their client sends.
        .map((r) => r.replace(/^(?:GET|POST) (\S+\/_refresh)$/, 'REFRESH $1'))
        .filter((r) => !r.includes(`/${LOCK_INDEX}`));

    await esm(p, ['plan', '--out', 'plan.json'], 0, { env });
    const reads = shown(0);
    const plan = savedPlan(p);
    expect(plan.masters.map((m) => [m.name, m.steps.map((s) => s.op)])).toEqual([
      ['events', ['create', 'mark_filled', 'wait', 'activate']],
      ['movies', ['create', 'fill', 'wait', 'activate']],
    ]);
    // The plan reads, and has the engine simulate the new specs (read-only: SPEC §7).
    const simulation = (r: string) => r === 'GET /_index_template' || r === 'POST /_index_template/_simulate';
    expect(reads.every((r) => r.startsWith('GET ') || simulation(r)), reads.join('\n')).toBe(true);
    // The two masters' mappings are the same: one simulation between them (a refused spec would be refused for both).
    expect(reads.filter((r) => r === 'POST /_index_template/_simulate')).toHaveLength(1);
    const base = reads.filter((r) => !simulation(r));

    const from = proxy.log.length;
    // One master at a time, so that the requests come in the plan's order (side by side they interleave).
    await esm(p, ['apply', 'plan.json', '--auto-approve', '--parallelism', '1'], 0, { env });
    // The apply reads what the plan was made from (to check the saved plan still fits; those reads run side by
    // side), then runs the steps: nothing else (a saved plan is not simulated again).
    const applied = shown(from);
    expect(applied.slice(0, base.length).sort()).toEqual([...base].sort());
    expect(applied.slice(base.length)).toEqual(plan.masters.flatMap((m) => m.steps.flatMap(requestsOf)));
    expect(await aliasTargets(`${p.prefix}movies`)).toEqual([`${p.prefix}movies-1`]);
    expect(await aliasTargets(`${p.prefix}events`)).toEqual([`${p.prefix}events-1`]);
  });

  it('refuses a saved plan step by step when the world moved since, naming each step that no longer fits, and changes nothing', async () => {
    const p = twoMasters();
    await esm(p, ['apply', 'movies', '--auto-approve']);
    // A change that needs a new instance: create movies-2, fill, catch up, prune (an id-set comparison), activate movies-1 → movies-2.
    p.manifest('movies', movieManifest({ fields: { id: 'keyword', title: 'keyword', updated_at: 'date' } }));
    await esm(p, ['plan', '--out', 'plan.json']);
    expect(savedPlan(p).masters.map((m) => [m.name, m.steps.map((s) => s.op)])).toEqual([
      ['events', ['create', 'mark_filled', 'wait', 'activate']],
      ['movies', ['create', 'fill', 'catch_up', 'prune', 'wait', 'activate']],
    ]);

    // Meanwhile, by hand: the live movies-1 is dropped (its alias with it), and events-1 is created.
    await esm(p, ['drop', 'movies-1', '--force']);
    await esm(p, ['create', 'events']);
    const indices = await indicesOf(p.prefix);
    const journal = (await esm(p, ['history', '--json'])).json().actions;

    const r = await esm(p, ['apply', 'plan.json', '--auto-approve'], 4);
    const [events1, movies1, movies2] = [`${p.prefix}events-1`, `${p.prefix}movies-1`, `${p.prefix}movies-2`];
    expect(r.stderr).toContain('saved plan is stale, run esm plan again: ');
    expect(r.stderr).toContain(`events step 1 (create ${events1}): ${events1} exists already`);
    // movies' first five steps would still run; its activation would not: the alias no longer points at movies-1.
    expect(r.stderr).toContain(`movies step 6 (activate ${p.prefix}movies → ${movies2}): the alias ${p.prefix}movies points at no index, not ${movies1}`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await indicesOf(p.prefix)).toEqual(indices);
    // The refused run left one row, a failed `plan` with the refusal; the journal before it is as it was.
    const [refused, ...rest] = (await esm(p, ['history', '--json'])).json().actions;
    expect(rest).toEqual(journal);
    expect(refused).toMatchObject({ action: 'plan', status: 'failed', master: null, instance: null, error: r.stderr.replace(/^esm: /, '').trim() });
  });
});
