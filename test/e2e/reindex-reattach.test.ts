/**
 * SPEC §13: a server-side `_reindex` task outlives a killed esm; the next run re-attaches
 * to it (found by the task id its checkpoint recorded), shows its progress and never
 * starts a second copy, then catches up and prunes as usual. Where the node has no
 * reindex module (Elasticsearch's integ-test distribution) the copy runs client-side in
 * esm, which dies with it: the plan says the fill cannot resume and the re-run copies
 * from the start. Each engine asserts what runs where.
 */
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/history/index.js';
import { aliasTargets, countDocs, esm, OLD } from '../support/apply-fixtures.js';
import { isOpenSearch, rawClient, testEngine } from '../support/es.js';
import { killAtCheckpoint, killWhen } from '../support/kill.js';
import { ndjson, tempProject, type TempProject } from '../support/project.js';

const TOTAL = 12_000;
const mappings = { dynamic: 'strict', properties: { id: { type: 'keyword' }, title: { type: 'text' }, updated_at: { type: 'date' } } };

function manifests(p: TempProject): void {
  p.manifest(
    'films',
    JSON.stringify({
      apiVersion: 'esm/v1',
      kind: 'IndexMaster',
      metadata: { name: 'films' },
      spec: { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings, source: { type: 'ndjson', path: '../data/films.ndjson' }, idField: 'id', updatedField: 'updated_at' },
    }),
  );
  p.manifest(
    'movies',
    JSON.stringify({
      apiVersion: 'esm/v1',
      kind: 'IndexMaster',
      metadata: { name: 'movies' },
      // Throttled: the copy takes long enough to be killed in the middle.
      spec: { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings, source: { type: 'reindex', from: 'films', requestsPerSecond: 1500 }, idField: 'id', updatedField: 'updated_at' },
    }),
  );
}

/** Top-level reindex tasks running into `index`. */
async function reindexTasksInto(index: string): Promise<string[]> {
  const res = (await rawClient().transport.request({ method: 'GET', path: '/_tasks', querystring: { actions: '*reindex', detailed: true } })) as {
    nodes?: Record<string, { tasks?: Record<string, { description?: string; parent_task_id?: string }> }>;
  };
  const out: string[] = [];
  for (const node of Object.values(res.nodes ?? {})) for (const [id, t] of Object.entries(node.tasks ?? {})) if (!t.parent_task_id && t.description?.endsWith(` to [${index}]`)) out.push(id);
  return out;
}

describe('a reindex fill killed with SIGKILL', () => {
  it(`re-attaches to its running task on a node with the reindex module, copies client-side from the start where there is none (${testEngine().name})`, async () => {
    const p = tempProject('reattach');
    manifests(p);
    const films = Array.from({ length: TOTAL }, (_, i) => ({ id: `f-${String(i + 1).padStart(6, '0')}`, title: `Film ${i + 1}`, updated_at: OLD }));
    p.write('data/films.ndjson', ndjson(films));
    await esm(p, ['apply', '--auto-approve', 'films']);
    const alias = `${p.prefix}movies`;
    const index = `${alias}-1`;
    const server = isOpenSearch();

    // Killed once the copy is well under way: on OpenSearch once the task's id is recorded, on Elasticsearch
    // (a client-side copy records no task) once the instance has indexed that much.
    const killed = server
      ? await killAtCheckpoint(p, ['apply', '--auto-approve', 'movies'], { index, minDocs: 1_500, until: (c) => c.position.kind === 'task' })
      : await killWhen(p, ['apply', '--auto-approve', 'movies'], { what: `${index} indexed 1,500 documents`, when: async () => (await indexedTotal(index)) >= 1_500 });
    expect(killed.signal).toBe('SIGKILL');
    expect(await aliasTargets(alias)).toEqual([]);

    const store = await HistoryStore.open(p.statePath, { readOnly: true });
    const stopped = store.view().unfinishedFills?.[index];
    store.close();
    const task = stopped?.position.kind === 'task' ? String(stopped.position.task) : null;
    if (server) {
      expect(task).not.toBeNull();
      // The task outlived esm.
      expect(await reindexTasksInto(index)).toEqual([task]);
    } else {
      expect(stopped).toBeUndefined();
    }

    // Meanwhile the source changes: one film is retitled, one deleted.
    const now = new Date().toISOString();
    await rawClient().update({ index: `${p.prefix}films`, id: films[9]!.id, doc: { title: 'Retitled after the kill', updated_at: now }, refresh: true });
    await rawClient().delete({ index: `${p.prefix}films`, id: films[19]!.id, refresh: true });

    const plan = (await esm(p, ['plan', '--json', 'movies'])).json();
    const fill = plan.masters[0].steps[0];
    if (server) {
      expect(fill).toMatchObject({ op: 'fill', via: 'reindex', resume: { position: { kind: 'task', task, from: `${p.prefix}films` } } });
      expect((await esm(p, ['plan', 'movies'])).stdout).toMatch(new RegExp(`resume fill of ${index} from [\\d,]+ \\(full, server-side reindex, after reindex task ${task}\\)`));
    } else {
      expect(fill).toMatchObject({ op: 'fill', via: 'reindex' });
      expect(fill.resume).toBeUndefined();
      expect(plan.masters[0].reasons.join('\n')).toContain('the cluster has no reindex module: the reindex source is copied client-side');
    }

    const run = await esm(p, ['apply', '--auto-approve', 'movies']);
    if (server) {
      expect(run.stderr).toMatch(new RegExp(`re-attached to the reindex task ${task} copying ${p.prefix}films into ${index} \\(its id was recorded by the stopped fill\\): it had written [\\d,]+ documents; no second copy is started`));
      const after = await HistoryStore.open(p.statePath, { readOnly: true });
      const done = after.listActions().find((a) => a.action === 'update' && a.instance === index && a.status === 'complete');
      after.close();
      // The fill that completed watched the same task: none other was started.
      expect(done?.checkpoint?.position).toMatchObject({ kind: 'task', task });
    }
    expect(await aliasTargets(alias)).toEqual([index]);
    expect(await countDocs(alias)).toBe(TOTAL - 1);
    const got = await rawClient().get<{ title: string }>({ index: alias, id: films[9]!.id });
    expect(got._source?.title).toBe('Retitled after the kill');
    expect((await rawClient().get({ index: alias, id: films[19]!.id }, { ignore: [404] })).found).toBe(false);
  });
});

describe('a reindex fill stopped with SIGINT', () => {
  it(`cancels its task (exit 130), and the next plan copies again from the start instead of resuming a cancelled task (${testEngine().name})`, async () => {
    const p = tempProject('reindexstop');
    manifests(p);
    p.write('data/films.ndjson', ndjson(Array.from({ length: TOTAL }, (_, i) => ({ id: `f-${i}`, title: `Film ${i}`, updated_at: OLD }))));
    await esm(p, ['apply', '--auto-approve', 'films']);
    const index = `${p.prefix}movies-1`;
    const stopped = await killWhen(p, ['apply', '--auto-approve', 'movies'], { what: `${index} indexed 1,000 documents`, when: async () => (await indexedTotal(index)) >= 1_000, signal: 'SIGINT' });
    expect(stopped.code).toBe(130);
    if (isOpenSearch()) {
      expect(stopped.stderr).toMatch(new RegExp(`reindexing into ${index} was interrupted after [\\d,]+ documents: its task was cancelled, so the next run copies again from the start`));
      expect(await reindexTasksInto(index)).toEqual([]);
    } else {
      expect(stopped.stderr).toMatch(new RegExp(`reindexing into ${index} was interrupted after [\\d,]+ documents\\n`));
    }
    const plan = (await esm(p, ['plan', '--json', 'movies'])).json();
    expect(plan.masters[0].steps[0]).toMatchObject({ op: 'fill', via: 'reindex' });
    expect(plan.masters[0].steps[0].resume).toBeUndefined();
  });
});

/** Documents the index has indexed so far (no refresh needed). */
async function indexedTotal(index: string): Promise<number> {
  const stats = (await rawClient().indices.stats({ index, metric: 'indexing' }, { ignore: [404] })) as { indices?: Record<string, { primaries?: { indexing?: { index_total?: number } } }> };
  return stats.indices?.[index]?.primaries?.indexing?.index_total ?? 0;
}
