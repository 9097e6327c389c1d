/**
 * Adopting what exists, at scale: a live index with a large real-world-shaped mapping
 * (test/support/ecs-like.ts: the Elastic Common Schema's shape, ~1,450 fields, multi-fields
 * named `text`, wildcard and flattened / flat_object fields, dynamic templates, objects open
 * to dynamic mapping) that no tool created, with fields documents added by dynamic mapping:
 * esm import → adopt → esm plan --detailed-exitcode exits 0, on each engine's real node.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { aliasTargets, esm, metaOf } from '../support/apply-fixtures.js';
import { countFields, ecsMappings, type EcsTypes } from '../support/ecs-like.js';
import { rawClient, testEngine } from '../support/es.js';
import { ecsTypesOfThisNode } from '../support/ecs-node.js';
import { tempProject, type TempProject } from '../support/project.js';

const p: TempProject = tempProject('impecs');
let types: EcsTypes;
const index = () => `${p.prefix}ecs_2024`;
const alias = () => `${p.prefix}ecs`;

beforeAll(async () => {
  types = await ecsTypesOfThisNode();
  await rawClient().indices.create({
    index: index(),
    settings: { number_of_shards: 1, number_of_replicas: 0, 'index.mapping.total_fields.limit': 3000 },
    mappings: ecsMappings(types),
    aliases: { [alias()]: {} },
  } as never);
  // Documents add fields by dynamic mapping, where the mapping leaves objects open.
  await rawClient().index({ index: alias(), id: '1', document: { '@timestamp': '2024-05-01T10:00:00Z', message: 'hello', labels: { env: 'prod', team: 'search' }, numeric_labels: { shard: 3 } }, refresh: true });
});

describe(`import of an ECS-shaped index on ${testEngine().name} ${testEngine().version}`, () => {
  it('esm import writes a manifest that validates, declares the dynamic fields, and adopting it leaves nothing to plan', async () => {
    const r = (await esm(p, ['import', 'ecs', '--json'])).json();
    expect(r.masters).toEqual([expect.objectContaining({ name: 'ecs', index: index(), alias: alias(), adopt: 'meta', differences: [] })]);
    const file = path.join(p.manifestsDir, 'ecs.yaml');
    const manifest = parse(readFileSync(file, 'utf8'));
    expect(countFields(manifest.spec.mappings).fields).toBeGreaterThan(1100);
    expect(manifest.spec.mappings.properties.labels.properties).toMatchObject({ env: { type: 'keyword' }, team: { type: 'keyword' } });
    expect(manifest.spec.mappings.properties.numeric_labels.properties.shard).toEqual({ type: 'long' });
    expect((await esm(p, ['validate'])).stdout).toContain('1 manifest OK');

    const plan = (await esm(p, ['plan', '--json'])).json();
    expect(plan.masters[0]).toMatchObject({ name: 'ecs', decision: 'adopt', steps: [{ op: 'adopt', index: index(), via: 'meta' }] });
    await esm(p, ['apply', '--auto-approve']);
    expect(await aliasTargets(alias())).toEqual([index()]);
    expect(await metaOf(index())).toMatchObject({ master: 'ecs', fingerprint: plan.masters[0].fingerprint });

    const after = await p.cli(['plan', '--detailed-exitcode']);
    expect(after.stdout).toContain('No changes. Index masters match the manifests.');
    expect(after.stdout).not.toContain('drift');
    expect(after.code).toBe(0);

    // The imported manifest is the master's now: a new field is an in-place change.
    manifest.spec.mappings.properties.labels.properties.region = { type: 'keyword' };
    p.manifest('ecs', stringify(manifest));
    const edit = (await esm(p, ['plan', '--json'])).json().masters[0];
    expect(edit.decision).toBe('in_place');
  });
});
