/**
 * The GitHub Action's cluster commands on a real node: `plan` (against the cluster, with the
 * cluster settings and prefix as inputs) comments the plan; `apply` applies exactly the plan
 * it shows in the job summary, with the result under it; a second `plan` has no changes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { esUrl, rawClient } from '../support/es.js';
import { fakeGitHub } from '../support/fake-github.js';
import { runAction, type ActionRun } from '../support/github-action.js';
import { ndjson, tempProject, type TempProject } from '../support/project.js';
import { scratchDir } from '../support/scratch.js';

const TOKEN = 'ghs_test_TOKEN_do_not_log';

/** The action in the project, the cluster from the inputs only: nothing of the test's environment. */
function run(project: TempProject, inputs: Record<string, string>, env: Record<string, string>): Promise<ActionRun> {
  return runAction(project.dir, { state: project.statePath, ...inputs }, { GITHUB_WORKSPACE: project.dir, ...env });
}

describe('the action against a cluster', () => {
  it('plan comments the plan; apply applies the plan its summary shows; then plan has no changes', async () => {
    const p = tempProject('action');
    p.manifest(
      'movies',
      `apiVersion: esm/v1
kind: IndexMaster
metadata:
  name: movies
spec:
  settings: { number_of_shards: 1, number_of_replicas: 0 }
  mappings:
    properties:
      id: { type: keyword }
      title: { type: text }
  source: { type: ndjson, path: ../data/movies.ndjson }
  idField: id
`,
    );
    p.write('data/movies.ndjson', ndjson([{ id: 'a', title: 'A' }, { id: 'b', title: 'B' }]));
    const dir = scratchDir('action-cluster');
    const gh = await fakeGitHub('acme/shop');
    const summary = path.join(dir, 'summary.md');
    const output = path.join(dir, 'output');
    const event = path.join(dir, 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { number: 3 } }));
    const runner = { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: 'acme/shop', GITHUB_EVENT_PATH: event, GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output };
    const cluster = { url: esUrl(), prefix: p.prefix, 'github-token': TOKEN };

    writeFileSync(summary, '');
    writeFileSync(output, '');
    const plan = await run(p, { command: 'plan', ...cluster }, runner);
    expect(plan.code, plan.log).toBe(0);
    expect(readFileSync(output, 'utf8')).toContain('exit-code=2\nchanges=true\n');
    expect(readFileSync(summary, 'utf8')).toMatch(new RegExp(`### esm plan[\\s\\S]*${p.prefix}movies-1`));
    expect(gh.comments.get(3)![0]!.body).toMatch(new RegExp(`^<!-- esm-action: plan \\. prefix=${p.prefix} -->\\n### esm plan`));

    // The pre-deployment step: created and filled, no alias.
    writeFileSync(summary, '');
    const pre = await run(p, { command: 'apply', 'no-activate': 'true', ...cluster }, { ...runner, GITHUB_EVENT_PATH: '' });
    expect(pre.code, pre.log).toBe(0);
    expect(readFileSync(summary, 'utf8')).toMatch(/#### Applied before the deployment \(--no-activate: no alias moved\)\n\n```\nPre-deployment apply complete/);
    expect(await rawClient().indices.existsAlias({ name: `${p.prefix}movies` })).toBe(false);

    writeFileSync(summary, '');
    writeFileSync(output, '');
    const apply = await run(p, { command: 'apply', ...cluster }, { ...runner, GITHUB_EVENT_PATH: '' });
    expect(apply.code, apply.log).toBe(0);
    const applied = readFileSync(summary, 'utf8');
    expect(applied).toMatch(new RegExp(`### esm plan[\\s\\S]*${p.prefix}movies-1[\\s\\S]*#### Applied\\n\\n\`\`\`\\nApply complete: 1 master changed\\.\\n {2}movies: `));
    expect(Object.keys(await rawClient().indices.getAlias({ name: `${p.prefix}movies` }))).toEqual([`${p.prefix}movies-1`]);
    expect(apply.log).not.toContain(TOKEN);

    writeFileSync(output, '');
    const again = await run(p, { command: 'plan', ...cluster }, runner);
    expect(again.code).toBe(0);
    expect(readFileSync(output, 'utf8')).toContain('exit-code=0\nchanges=false\n');
    // Still one comment on the pull request, now saying there is nothing to do.
    expect(gh.comments.get(3)).toHaveLength(1);
    expect(plan.log + again.log).not.toContain(TOKEN);
  });
});
