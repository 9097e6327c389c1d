/**
 * Template-composed masters (SPEC §11 "Templates"), on each engine's real node:
 * an index template (with a component template) matching a master's instances adds
 * settings, a field and a dynamic template; esm plans against what the engine makes of
 * template + manifest, so there is no false drift after create, an edit stays in place (no
 * endless replace), and a template that declares otherwise what the manifest declares is a
 * template_conflict warning naming it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { esm, indicesOf } from '../support/apply-fixtures.js';
import { rawClient, testEngine } from '../support/es.js';
import { tempProject, type TempProject } from '../support/project.js';

const p: TempProject = tempProject('tpl');
const component = `${p.prefix}tpl-base`;
const template = `${p.prefix}tpl`;
const alias = `${p.prefix}tm`;

type Rec = Record<string, any>;

function manifest(edit: (s: { settings: Rec; mappings: Rec }) => void = () => {}): string {
  const spec = {
    settings: { number_of_shards: 1, number_of_replicas: 0 } as Rec,
    mappings: { dynamic: 'strict', properties: { id: { type: 'keyword' }, title: { type: 'text' }, updated_at: { type: 'date' } } } as Rec,
  };
  edit(spec);
  return stringify({ apiVersion: 'esm/v1', kind: 'IndexMaster', metadata: { name: 'tm' }, spec });
}

async function putTemplate(properties: Rec): Promise<void> {
  await rawClient().indices.putIndexTemplate({
    name: template,
    index_patterns: [`${alias}-*`],
    priority: 50,
    composed_of: [component],
    template: {
      settings: { refresh_interval: '7s' },
      mappings: { dynamic_templates: [{ tpl_strings: { match: 'tpl_*', mapping: { type: 'keyword' } } }], properties },
    },
  });
}

interface PlanJson {
  masters: { decision: string; reasons: string[]; active: string | null }[];
  warnings: { code: string; message: string }[];
}

beforeAll(async () => {
  await rawClient().cluster.putComponentTemplate({ name: component, template: { settings: { 'index.max_result_window': 20000 }, mappings: { properties: { from_component: { type: 'keyword' } } } } });
  await putTemplate({ tmpl_added: { type: 'long' } });
  p.manifest('tm', manifest());
});

afterAll(async () => {
  await rawClient().indices.deleteIndexTemplate({ name: template }, { ignore: [404] });
  await rawClient().cluster.deleteComponentTemplate({ name: component }, { ignore: [404] });
  await p.cleanup();
});

describe(`a master whose instances an index template matches, on ${testEngine().name} ${testEngine().version}`, () => {
  it('create, then plan: what the template adds is no drift and no change', async () => {
    await esm(p, ['apply', '--auto-approve']);
    const live = Object.values(await rawClient().indices.get({ index: alias }))[0] as Rec;
    // The template did add them.
    expect(live.mappings.properties).toMatchObject({ tmpl_added: { type: 'long' }, from_component: { type: 'keyword' } });
    expect(live.settings.index).toMatchObject({ refresh_interval: '7s', max_result_window: '20000' });
    const r = await esm(p, ['plan', '--detailed-exitcode'], 0);
    expect(r.stdout).toContain('No changes.');
    expect(r.stdout).not.toMatch(/drift|template_conflict/);
  });

  it('an edit is in place, and the plan after it is empty (no endless replace)', async () => {
    p.manifest('tm', manifest((s) => (s.mappings['properties'].year = { type: 'integer' })));
    const plan = (await esm(p, ['plan', '--json'])).json<PlanJson>();
    expect(plan.masters[0]!.decision).toBe('in_place');
    expect(plan.masters[0]!.reasons.join('\n')).not.toMatch(/tmpl_added|from_component|refresh_interval|max_result_window/);
    expect(plan.warnings).toEqual([]);
    await esm(p, ['apply', '--auto-approve']);
    expect((await esm(p, ['plan', '--detailed-exitcode'], 0)).stdout).toContain('No changes.');
    expect(await indicesOf(p.prefix)).toEqual([`${alias}-1`]);
  });

  it('a template that declares a manifest field otherwise: template_conflict naming the template; the manifest wins', async () => {
    await putTemplate({ tmpl_added: { type: 'long' }, title: { type: 'keyword' } });
    p.manifest('tm', manifest((s) => {
      s.mappings['properties'].year = { type: 'integer' };
      s.mappings['properties'].genre = { type: 'keyword' };
    }));
    const plan = (await esm(p, ['plan', '--json'])).json<PlanJson>();
    expect(plan.masters[0]!.decision).toBe('in_place');
    expect(plan.warnings).toEqual([
      {
        code: 'template_conflict',
        master: 'tm',
        message: expect.stringMatching(
          new RegExp(`^index template ${template} \\(composed of ${component}\\) matches tm's instances .*mappings\\.properties\\.title: \\{"type":"keyword"\\} in the template, \\{"type":"text"\\} in the manifest`),
        ),
      },
    ]);
    const text = await esm(p, ['plan']);
    expect(text.stdout).toContain(`! template_conflict tm: index template ${template}`);
    await esm(p, ['apply', '--auto-approve']);
    const live = Object.values(await rawClient().indices.getMapping({ index: alias }))[0] as Rec;
    expect(live.mappings.properties.title).toEqual({ type: 'text' });
  });
});
