// Masters side by side (`--parallelism`), in dependency order, against the real node.
import { describe, expect, it } from 'vitest';
import { applyPlan, resolveConfig, Session, type ProgressEvent } from '../../src/index.js';
import { rawClient } from '../support/es.js';
import { ndjson, tempProject, type TempProject } from '../support/project.js';

function manifest(name: string, source: string): string {
  return `apiVersion: esm/v1
kind: IndexMaster
metadata: { name: ${name} }
spec:
  settings: { number_of_shards: 1, number_of_replicas: 0 }
  mappings: { dynamic: strict, properties: { id: { type: long }, name: { type: keyword } } }
  source: ${source}
  idField: id
`;
}

function ndjsonMaster(p: TempProject, name: string, docs: number): void {
  p.write(`data/${name}.ndjson`, ndjson(Array.from({ length: docs }, (_, i) => ({ id: i, name: `${name} ${i}` }))));
  p.manifest(name, manifest(name, `{ type: ndjson, path: ../data/${name}.ndjson }`));
}

/** Applies through the library, recording every progress event in order. */
async function apply(p: TempProject, parallelism: number) {
  const events: ProgressEvent[] = [];
  const s = new Session(await resolveConfig({}, p.env, p.dir), { emit: (e) => events.push(e) });
  try {
    const applied = await applyPlan(s, { parallelism });
    const store = await s.store();
    return { ...applied, events, actions: store.listActions({ limit: 10_000 }) };
  } finally {
    await s.close();
  }
}

const at = (events: ProgressEvent[], kind: ProgressEvent['kind'], master: string) => events.findIndex((e) => e.kind === kind && 'master' in e && e.master === master);

async function count(index: string): Promise<number> {
  await rawClient().indices.refresh({ index });
  return (await rawClient().count({ index })).count;
}

describe('esm apply --parallelism', () => {
  it('applies several masters three at a time: each reaches the desired state, every step recorded complete', async () => {
    const p = tempProject('par');
    const names = ['m1', 'm2', 'm3', 'm4', 'm5'];
    names.forEach((n, i) => ndjsonMaster(p, n, i + 1));
    const r = await p.cli(['apply', '--auto-approve', '--parallelism', '3']);
    expect(r.stderr).not.toContain('FAILED');
    expect(r.code).toBe(0);
    for (const [i, n] of names.entries()) {
      expect(await count(`${p.prefix}${n}`)).toBe(i + 1);
      // Plain lines name their master: readable however the masters interleave.
      expect(r.stderr).toContain(`${n}: activate ${p.prefix}${n} → ${p.prefix}${n}-1 done`);
    }
    expect((await p.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
    const history = (await p.cli(['history', '--json'])).json<{ actions: Array<{ master: string; action: string; status: string; planId: string | null }> }>();
    for (const n of names) {
      const mine = history.actions.filter((a) => a.master === n);
      // create, fill, the id-set comparison (an ndjson source with an idField), activate.
      expect(mine.map((a) => a.action).sort()).toEqual(['activate', 'create', 'prune', 'update']);
      expect(mine.every((a) => a.status === 'complete' && a.planId !== null)).toBe(true);
    }
  });

  it('runs a second master while the first one is still filling (parallelism 2)', async () => {
    const p = tempProject('parov');
    // `slow` yields its documents only once `quick` has started: run one after the other, it would wait for ever
    // (the fallback after a minute only lets the test end, the order assertion then fails).
    p.write(
      'data/slow.mjs',
      `export default async function* () {
  await Promise.race([globalThis.__esmParallelGate, new Promise((r) => setTimeout(r, 60_000))]);
  for (let i = 0; i < 3; i++) yield { id: i, name: 'slow ' + i };
}
`,
    );
    p.manifest('slow', manifest('slow', '{ type: module, path: ../data/slow.mjs }'));
    ndjsonMaster(p, 'quick', 2);
    let open!: () => void;
    (globalThis as { __esmParallelGate?: Promise<void> }).__esmParallelGate = new Promise<void>((r) => (open = r));
    const events: ProgressEvent[] = [];
    const s = new Session(await resolveConfig({}, p.env, p.dir), {
      emit: (e) => {
        events.push(e);
        if (e.kind === 'step_done' && e.master === 'quick' && e.step.op === 'fill') open();
      },
    });
    try {
      const { plan, result } = await applyPlan(s, { parallelism: 2 });
      expect(plan.masters.map((m) => m.name)).toEqual(['quick', 'slow']);
      expect(result.ok).toBe(true);
    } finally {
      await s.close();
      delete (globalThis as { __esmParallelGate?: unknown }).__esmParallelGate;
    }
    const slowFillStarted = events.findIndex((e) => e.kind === 'master_started' && e.master === 'slow');
    const quickFillDone = events.findIndex((e) => e.kind === 'step_done' && e.master === 'quick' && e.step.op === 'fill');
    const slowFillDone = events.findIndex((e) => e.kind === 'step_done' && e.master === 'slow' && e.step.op === 'fill');
    expect(slowFillStarted).toBeLessThan(quickFillDone);
    expect(quickFillDone).toBeLessThan(slowFillDone);
    expect(await count(`${p.prefix}slow`)).toBe(3);
  });

  it('starts a master that reindexes from another only after that one finished', async () => {
    const p = tempProject('pardep');
    ndjsonMaster(p, 'zeta', 7);
    // By name `alpha` would come first; it reads zeta's alias.
    p.manifest('alpha', manifest('alpha', '{ type: reindex, from: zeta }'));
    ndjsonMaster(p, 'beta', 2);
    const { result, events, actions } = await apply(p, 3);
    expect(result.ok).toBe(true);
    expect(at(events, 'master_started', 'alpha')).toBeGreaterThan(at(events, 'master_done', 'zeta'));
    expect(await count(`${p.prefix}alpha`)).toBe(7);
    expect(actions.filter((a) => a.status !== 'complete')).toEqual([]);
  });

  it('a failing master stops neither the independent ones; its dependants are skipped, saying why', async () => {
    const p = tempProject('parfail');
    p.write('data/broken.mjs', `export default async function* () {\n  yield { id: 1, name: 'one' };\n  throw new Error('the database went away');\n}\n`);
    p.manifest('broken', manifest('broken', '{ type: module, path: ../data/broken.mjs }'));
    p.manifest('reader', manifest('reader', '{ type: reindex, from: broken }'));
    ndjsonMaster(p, 'other', 4);
    const { result, actions } = await apply(p, 3);
    expect(result.ok).toBe(false);
    const by = new Map(result.masters.map((m) => [m.name, m]));
    expect(by.get('broken')!.ok).toBe(false);
    expect(by.get('other')!.ok).toBe(true);
    expect(await count(`${p.prefix}other`)).toBe(4);
    const reader = by.get('reader')!;
    expect(reader.ok).toBe(false);
    expect(reader.steps.map((st) => st.op)).toEqual(expect.arrayContaining(['create', 'fill', 'activate']));
    expect(reader.steps.every((st) => st.status === 'skipped' && st.skip === 'source_failed')).toBe(true);
    expect(reader.steps[0]!.reason).toBe('master broken, which this master reindexes from, failed');
    expect((await rawClient().indices.exists({ index: `${p.prefix}reader-1` }))).toBe(false);
    // History: nothing left queued or in progress; the dependant's steps aborted with the reason.
    expect(actions.filter((a) => a.status === 'queued' || a.status === 'in_progress')).toEqual([]);
    const readerActions = actions.filter((a) => a.master === 'reader');
    // One action a step, but for the wait for green, which changes nothing and records none.
    expect(readerActions).toHaveLength(reader.steps.filter((st) => st.op !== 'wait').length);
    expect(readerActions.every((a) => a.status === 'aborted' && a.error?.includes('master broken, which this master reindexes from, failed'))).toBe(true);
    expect(actions.filter((a) => a.master === 'broken').map((a) => a.status)).toContain('failed');
    expect(actions.filter((a) => a.master === 'other').every((a) => a.status === 'complete')).toBe(true);
  });

  it.each(['0', '-1', 'abc'])('refuses --parallelism %s (exit 3) with one message naming the flag, changing nothing', async (value) => {
    const p = tempProject('parbad');
    ndjsonMaster(p, 'm', 1);
    const r = await p.cli(['apply', '--auto-approve', `--parallelism=${value}`]);
    expect(r.code).toBe(3);
    // One message (then the usage hint every usage error ends with).
    expect(r.stderr.split('\n')[0]).toMatch(/^esm: Invalid value for --parallelism: expected /);
    expect(r.stderr.match(/^esm:/gm)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
    expect(await rawClient().indices.exists({ index: `${p.prefix}m-1` })).toBe(false);
  });
});
