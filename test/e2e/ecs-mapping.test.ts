/**
 * Plans against the engine's form of the spec, on a large real-world-shaped mapping (test/support/ecs-like.ts: the Elastic
 * Common Schema's shape, ~1,450 fields, 75 multi-fields called `text`, wildcard and
 * flattened / flat_object fields, dynamic templates, objects open to dynamic mapping), on
 * each engine's real node:
 * - create, then plan: no changes, no drift, and no simulation (the engine's form is recorded);
 * - each edit class classified as the engine takes it;
 * - fields dynamic mapping added are no removal: a settings edit and a new field stay in place,
 *   and the plan after applying them is empty (no endless replace, no drift coming back);
 * - a field the engine refuses is named in full, at plan, before anything is written.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { esm, indicesOf } from '../support/apply-fixtures.js';
import { countFields, ecsMappings, type EcsTypes } from '../support/ecs-like.js';
import { esUrl, isOpenSearch, rawClient, testEngine } from '../support/es.js';
import { ecsTypesOfThisNode } from '../support/ecs-node.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { tempProject, type TempProject } from '../support/project.js';

type Rec = Record<string, any>;

const p: TempProject = tempProject('ecs');
let types: EcsTypes;
const alias = () => `${p.prefix}ecs`;

const SETTINGS = { number_of_shards: 1, number_of_replicas: 0, mapping: { total_fields: { limit: 3000 } } };

function manifestYaml(edit: (spec: { settings: Rec; mappings: Rec }) => void = () => {}): string {
  const spec = { settings: structuredClone(SETTINGS) as Rec, mappings: ecsMappings(types) as Rec };
  edit(spec);
  return stringify({ apiVersion: 'esm/v1', kind: 'IndexMaster', metadata: { name: 'ecs' }, spec: { settings: spec.settings, mappings: spec.mappings } });
}

interface PlanJson {
  masters: { name: string; decision: string; active: string | null; reasons: string[]; dynamicFields?: string[]; steps: { op: string }[] }[];
  warnings: { code: string; message: string }[];
}

async function planJson(): Promise<PlanJson> {
  return (await esm(p, ['plan', '--json'])).json<PlanJson>();
}

beforeAll(async () => {
  types = await ecsTypesOfThisNode();
  p.manifest('ecs', manifestYaml());
});

describe(`an ECS-shaped mapping on ${testEngine().name} ${testEngine().version}`, () => {
  it('is the size and shape of ECS', () => {
    const { fields, textMultiFields } = countFields(ecsMappings(types));
    expect(fields).toBeGreaterThan(1100);
    expect(fields).toBeLessThan(1500);
    expect(textMultiFields).toBeGreaterThan(60);
  });

  it('create, then plan: no changes, no drift, and no request to simulate the unchanged master', async () => {
    await esm(p, ['apply', '--auto-approve']);
    const live = (await rawClient().indices.getMapping({ index: alias() })) as Rec;
    const path = Object.values(live)[0].mappings.properties.url.properties.path;
    if (isOpenSearch()) expect(path).toEqual({ type: 'wildcard', doc_values: false }); // what the engine adds: the false drift
    const proxy = await startFaultProxy(esUrl(), {});
    const from = proxy.log.length;
    const r = await esm(p, ['plan', '--detailed-exitcode'], 0, { env: { ESM_URL: proxy.url } });
    expect(r.stdout).toContain('No changes.');
    expect(r.stdout).not.toContain('drift');
    expect(proxy.log.slice(from).filter((q) => q.path.startsWith('/_index_template/_simulate'))).toEqual([]);
    const plan = await planJson();
    expect(plan.masters[0]).toMatchObject({ decision: 'noop', active: `${alias()}-1` });
    expect(plan.warnings).toEqual([]);
  });

  it.each<[string, (s: { settings: Rec; mappings: Rec }) => void, string, string]>([
    ['a new field', (s) => (s.mappings['properties'].event.properties.risk_level = { type: 'keyword' }), 'in_place', 'mappings.properties.event.properties.risk_level: added'],
    ['a new multi-field', (s) => (s.mappings['properties'].host.properties.name.fields = { text: { type: 'text' } }), 'in_place', 'mappings.properties.host.properties.name.fields.text: added'],
    ['ignore_above', (s) => (s.mappings['properties'].agent.properties.name.ignore_above = 512), 'in_place', 'mappings.properties.agent.properties.name.ignore_above: 1024 → 512 (updated in place)'],
    ['a dynamic template', (s) => s.mappings['dynamic_templates'].push({ ips: { match: '*_ip', mapping: { type: 'ip' } } }), 'in_place', 'mappings.dynamic_templates:'],
    ['a dynamic setting', (s) => (s.settings['refresh_interval'] = '5s'), 'in_place', 'settings.refresh_interval: added 5s (dynamic setting, updated in place)'],
    ['requests.cache.enable', (s) => (s.settings['requests.cache.enable'] = false), 'in_place', 'settings.requests.cache.enable: added false (dynamic setting, updated in place)'],
    ['a type change', (s) => (s.mappings['properties'].http.properties.response.properties.status_code = { type: 'keyword' }), 'replace', 'mappings.properties.http.properties.response.properties.status_code.type: long → keyword (not updatable in place)'],
    ['an analyzer', (s) => (s.mappings['properties'].error.properties.message.analyzer = 'whitespace'), 'replace', 'mappings.properties.error.properties.message.analyzer: (unset) → whitespace (not updatable in place)'],
    ['the shard count', (s) => (s.settings['number_of_shards'] = 2), 'replace', 'settings.number_of_shards: 1 → 2 (static setting, needs a new instance)'],
  ])('classifies %s as the engine takes it', async (_what, edit, decision, reason) => {
    p.manifest('ecs', manifestYaml(edit));
    try {
      const plan = await planJson();
      expect(plan.masters[0]!.decision).toBe(decision);
      expect(plan.masters[0]!.reasons.join('\n')).toContain(reason);
      // Only the edit: nothing the engine adds (doc_values, defaults) shows as a change.
      const changes = plan.masters[0]!.reasons.filter((x) => x.startsWith('settings.') || x.startsWith('mappings.'));
      expect(changes).toHaveLength(1);
    } finally {
      p.manifest('ecs', manifestYaml());
    }
  });

  it('fields dynamic mapping added are listed once, not removed: a settings edit and a new field stay in place, then nothing is left', async () => {
    await rawClient().index({
      index: alias(),
      id: 'd1',
      document: { '@timestamp': '2025-01-01T00:00:00Z', labels: { env: 'prod', team: 'search' }, numeric_labels: { shard: 3 }, container: { labels: { app: 'web' } } },
      refresh: true,
    });
    const added = ['container.labels.app', 'labels.env', 'labels.team', 'numeric_labels.shard'];
    const unchanged = await esm(p, ['plan', '--detailed-exitcode'], 0);
    expect(unchanged.stdout).toContain(`4 fields added by dynamic mapping (not a change; declare them in the manifest to make them part of the schema, as esm import does): ${added.join(', ')}`);
    expect((await planJson()).warnings).toEqual([]);

    p.manifest('ecs', manifestYaml((s) => (s.settings['refresh_interval'] = '5s')));
    const settingsEdit = await planJson();
    expect(settingsEdit.masters[0]).toMatchObject({ decision: 'in_place', dynamicFields: added });
    expect(settingsEdit.masters[0]!.reasons.join('\n')).not.toMatch(/removed/);
    await esm(p, ['apply', '--auto-approve']);

    p.manifest('ecs', manifestYaml((s) => {
      s.settings['refresh_interval'] = '5s';
      s.mappings['properties'].event.properties.risk_level = { type: 'keyword' };
    }));
    expect((await planJson()).masters[0]!.decision).toBe('in_place');
    await esm(p, ['apply', '--auto-approve']);

    const after = await esm(p, ['plan', '--detailed-exitcode'], 0);
    expect(after.stdout).toContain('No changes.');
    expect(after.stdout).not.toContain('drift');
    expect(await indicesOf(p.prefix)).toEqual([`${alias()}-1`]);
  });

  it("a field the engine refuses (the other engine's flat type) is named in full among the 75 multi-fields called text, at plan, before anything is written", async () => {
    // flattened on OpenSearch once passed validate and plan; only apply failed, naming the field [text].
    const foreign = isOpenSearch() ? 'flattened' : 'flat_object';
    const yaml = manifestYaml((s) => (s.mappings['properties'].process.properties.io.properties.text = { type: foreign }));
    p.manifest('ecs', yaml);
    try {
      // The line of the field's key (1-based): the line before its type (0-based index of the type line).
      const at = yaml.split('\n').findIndex((l) => l.includes(`type: ${foreign}`));
      const r = await esm(p, ['plan'], 3);
      expect(r.stderr).toMatch(/esm: the cluster refuses the spec of master ecs; nothing was written/);
      expect(r.stderr).toMatch(new RegExp(`manifests/ecs\\.yaml:${at}:\\d+: ecs: the cluster refuses field process\\.io\\.text: .*\\[${foreign}\\].*\\[process\\.io\\.text\\]`));
      const apply = await esm(p, ['apply', '--auto-approve'], 3);
      expect(apply.stderr).toContain('process.io.text');
      expect(await indicesOf(p.prefix)).toEqual([`${alias()}-1`]);
    } finally {
      p.manifest('ecs', manifestYaml());
    }
  });
});
