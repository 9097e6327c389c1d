/**
 * The GitHub Action (action.yml → scripts/github-action.mjs) against a local server playing
 * GitHub's REST API: a new pull-request comment, the same comment updated on the next run
 * (found by its hidden marker, past the first page of comments), a fork's read-only token
 * (403) and an API that is down or silent — the plan always in the job summary, a notice or
 * a warning in the log, the job's result esm's own, and the token never in the log. Runs
 * `plan-offline` (no cluster); the cluster commands are in github-action-cluster.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { runAction } from '../support/github-action.js';
import { scratchDir } from '../support/scratch.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TOKEN = 'ghs_test_TOKEN_do_not_log';
const REPO = 'acme/shop';

const MANIFEST = (genre: string) => `apiVersion: esm/v1
kind: IndexMaster
metadata:
  name: movies
spec:
  mappings:
    properties:
      id: { type: keyword }
      genre: { type: ${genre} }
  source: { type: ndjson, path: ../data/movies.ndjson }
  idField: id
`;

let project: string;
let gh: FakeGitHub;
let files: { summary: string; output: string; event: string };

beforeAll(() => {
  // A pull request's checkout: the base branch `main`, and a change of genre's type on top.
  project = scratchDir('action');
  mkdirSync(path.join(project, 'manifests'));
  mkdirSync(path.join(project, 'data'));
  writeFileSync(path.join(project, 'manifests', 'movies.yaml'), MANIFEST('keyword'));
  writeFileSync(path.join(project, 'data', 'movies.ndjson'), '{"id":"1"}\n');
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: project });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'base');
  git('checkout', '-qb', 'change');
  writeFileSync(path.join(project, 'manifests', 'movies.yaml'), MANIFEST('text'));
  git('commit', '-qam', 'genre is text');
});

beforeEach(async () => {
  gh = await fakeGitHub(REPO);
  const dir = scratchDir('action-run');
  files = { summary: path.join(dir, 'summary.md'), output: path.join(dir, 'output'), event: path.join(dir, 'event.json') };
  writeFileSync(files.summary, '');
  writeFileSync(files.output, '');
  writeFileSync(files.event, JSON.stringify({ pull_request: { number: 7 } }));
});

interface Run {
  code: number | null;
  log: string;
  summary: string;
  outputs: Record<string, string>;
}

/** Runs the action's script as the composite step does: an offline plan of the pull request, commented, unless `inputs` say otherwise. */
async function action(inputs: Record<string, string> = {}, env: Record<string, string> = {}): Promise<Run> {
  const { code, log } = await runAction(project, { command: 'plan-offline', base: 'main', comment: 'true', 'github-token': TOKEN, ...inputs }, {
    GITHUB_API_URL: gh.url,
    GITHUB_REPOSITORY: REPO,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_OUTPUT: files.output,
    GITHUB_WORKSPACE: project,
    ESM_ACTION_RETRY_DELAY_MS: '10',
    ...env,
  });
  const outputs = Object.fromEntries(
    readFileSync(files.output, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { code, log, summary: readFileSync(files.summary, 'utf8'), outputs };
}

const PLAN = /### esm plan \(offline\)[\s\S]*mappings\.properties\.genre\.type: keyword → text/;

describe('the action on a pull request', () => {
  it('writes the plan to the job summary and creates one comment, found by a hidden marker', async () => {
    const r = await action();
    expect(r.code, r.log).toBe(0);
    expect(r.summary).toMatch(PLAN);
    expect(r.outputs).toMatchObject({ 'exit-code': '2', changes: 'true', 'comment-url': expect.stringMatching(/#issuecomment-\d+$/) });
    const comments = gh.comments.get(7)!;
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toMatch(/^<!-- esm-action: plan-offline \. -->\n/);
    expect(comments[0]!.body).toMatch(PLAN);
    expect(gh.requests.map((q) => q.method)).toEqual(['GET', 'POST']);
    expect(gh.requests.every((q) => q.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(r.log).not.toContain(TOKEN);
  });

  it('updates the same comment on the next run, past a first page of other comments, and leaves the others alone', async () => {
    const others = Array.from({ length: 120 }, (_, i) => ({ id: i + 1, body: `a review comment ${i}`, html_url: `https://github.example/c/${i + 1}` }));
    gh.comments.set(7, others);
    const first = await action();
    expect(first.code).toBe(0);
    const mine = gh.comments.get(7)!.at(-1)!;
    // The plan changes between pushes: the comment follows.
    writeFileSync(path.join(project, 'manifests', 'movies.yaml'), MANIFEST('long'));
    try {
      gh.requests.length = 0;
      const second = await action();
      expect(second.code, second.log).toBe(0);
      expect(gh.requests.map((q) => `${q.method} ${q.path.replace(/\?.*/, '')}`)).toEqual([
        `GET /repos/${REPO}/issues/7/comments`,
        `GET /repos/${REPO}/issues/7/comments`,
        `PATCH /repos/${REPO}/issues/comments/${mine.id}`,
      ]);
      const all = gh.comments.get(7)!;
      expect(all).toHaveLength(121);
      expect(all.slice(0, 120)).toEqual(others);
      expect(all[120]!.body).toMatch(/genre\.type: keyword → long/);
      expect(second.outputs['comment-url']).toBe(mine.html_url);
      expect(second.log).not.toContain(TOKEN);
    } finally {
      writeFileSync(path.join(project, 'manifests', 'movies.yaml'), MANIFEST('text'));
    }
  });

  it("keeps a separate comment per working directory and prefix (two esm steps in one job)", async () => {
    await action();
    await action({ prefix: 'staging_' });
    const bodies = gh.comments.get(7)!.map((c) => c.body.split('\n')[0]);
    expect(bodies).toEqual(['<!-- esm-action: plan-offline . -->', '<!-- esm-action: plan-offline . prefix=staging_ -->']);
  });

  it("a fork's pull request (read-only token: 403) gets the plan in the summary and a notice, and does not fail", async () => {
    gh.mode = 'read-only';
    const r = await action();
    expect(r.code).toBe(0);
    expect(r.summary).toMatch(PLAN);
    expect(r.log).toContain('::notice title=esm::cannot comment on pull request #7 (403: the token is read-only, as for a pull request from a fork): the plan is in the job summary');
    expect(r.outputs).toMatchObject({ 'exit-code': '2', changes: 'true', 'comment-url': '' });
    expect(gh.comments.get(7)).toBeUndefined();
    expect(r.log).not.toContain(TOKEN);
  });

  it('an API that answers 5xx: retried, then a warning; the plan stays in the summary and the job does not fail silently or at all', async () => {
    gh.mode = 'down';
    const r = await action();
    expect(r.code).toBe(0);
    expect(r.summary).toMatch(PLAN);
    expect(r.log).toMatch(/::warning title=esm::the plan comment on pull request #7 was not written \(GitHub answered 502 to GET \/repos\/acme\/shop\/issues\/7\/comments: Server Error\): the plan is in the job summary/);
    expect(gh.requests).toHaveLength(3);
    expect(r.log).not.toContain(TOKEN);
  });

  it('an API that does not answer: a warning after the timeout, the plan in the summary', async () => {
    gh.mode = 'silent';
    const r = await action({}, { ESM_ACTION_HTTP_TIMEOUT_MS: '300' });
    expect(r.code).toBe(0);
    expect(r.summary).toMatch(PLAN);
    expect(r.log).toMatch(/::warning title=esm::the plan comment on pull request #7 was not written \(GitHub did not answer GET \/repos\/acme\/shop\/issues\/7\/comments within 300 ms\)/);
    expect(r.log).not.toContain(TOKEN);
  });

  it('a bad token (401) is a warning too, never a silent failure', async () => {
    const r = await action({ 'github-token': 'ghs_wrong' });
    expect(r.code).toBe(0);
    expect(r.log).toMatch(/::warning title=esm::.*GitHub answered 401.*Bad credentials/);
    expect(r.log).not.toContain('ghs_wrong');
  });
});

describe('the action elsewhere', () => {
  it('on a push (no pull request) writes the summary and calls no API', async () => {
    writeFileSync(files.event, JSON.stringify({ ref: 'refs/heads/main' }));
    const r = await action();
    expect(r.code).toBe(0);
    expect(r.summary).toMatch(PLAN);
    expect(gh.requests).toEqual([]);
  });

  it("fails with esm's exit code when esm fails, and says why in the summary and the comment", async () => {
    writeFileSync(path.join(project, 'manifests', 'broken.yaml'), 'apiVersion: esm/v1\nkind: IndexMaster\nmetadata: { name: [x }\n');
    try {
      const r = await action();
      expect(r.code).toBe(3);
      expect(r.outputs['exit-code']).toBe('3');
      expect(r.summary).toMatch(/#### esm plan --offline --base main --markdown --detailed-exitcode failed \(exit 3\)\n\n```\nesm: 1 problem in manifests\n {2}manifests\/broken\.yaml:3:\d+: invalid YAML/);
      expect(gh.comments.get(7)![0]!.body).toContain('failed (exit 3)');
    } finally {
      rmSync(path.join(project, 'manifests', 'broken.yaml'));
    }
  });

  it('refuses an unknown command, and plan-offline without a base outside a pull request', async () => {
    const bad = await action({ command: 'destroy' });
    expect(bad.code).toBe(3);
    expect(bad.log).toContain('::error title=esm::unknown command "destroy": use plan, plan-offline, apply');
    const noBase = await action({ base: '' });
    expect(noBase.code).toBe(3);
    expect(noBase.log).toContain('::error title=esm::plan-offline compares with a git ref');
  });

  it('cuts a comment GitHub would refuse as too long, and keeps the whole plan in the summary', async () => {
    const many = Array.from({ length: 2500 }, (_, i) => `      field_${i}_with_a_long_name_to_fill_the_comment: { type: keyword }`).join('\n');
    writeFileSync(path.join(project, 'manifests', 'movies.yaml'), MANIFEST('text').replace('      id: { type: keyword }', `      id: { type: keyword }\n${many}`));
    try {
      const r = await action();
      expect(r.code, r.log).toBe(0);
      const body = gh.comments.get(7)![0]!.body;
      expect(body.length).toBeLessThanOrEqual(65_536);
      expect(body).toMatch(/… \(cut: the whole plan is in the job summary\)\n$/);
      expect(r.summary.length).toBeGreaterThan(body.length);
    } finally {
      writeFileSync(path.join(project, 'manifests', 'movies.yaml'), MANIFEST('text'));
    }
  });
});

describe('action.yml', () => {
  const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: { uses?: string; run?: string; env?: Record<string, string>; 'working-directory'?: string; id?: string }[] };
  };

  it('is a composite action that needs no other action, and installs esm from its own repository', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.runs.steps.filter((s) => s.uses !== undefined)).toEqual([]);
    const install = action.runs.steps[0]!;
    expect(install['working-directory']).toBe('${{ github.action_path }}');
    expect(install.run).toContain('npm ci');
    expect(install.run).toContain('npm run build');
    expect(action.runs.steps[1]!.run).toBe('node "$GITHUB_ACTION_PATH/scripts/github-action.mjs"');
    expect(existsSync(path.join(ROOT, 'scripts', 'github-action.mjs'))).toBe(true);
  });

  it('passes every input to the script, and the token only as an input', () => {
    const env = action.runs.steps[1]!.env!;
    for (const name of Object.keys(action.inputs).filter((n) => n !== 'working-directory')) {
      expect(env[`INPUT_${name.toUpperCase().replace(/-/g, '_')}`], name).toBe(`\${{ inputs.${name} }}`);
    }
    expect(action.inputs['command']!.default).toBe('plan');
    expect(action.inputs['github-token']!.default).toBe('${{ github.token }}');
    expect(action.runs.steps[1]!['working-directory']).toBe('${{ inputs.working-directory }}');
    expect(Object.values(action.outputs).every((o) => o.value.startsWith('${{ steps.esm.outputs.'))).toBe(true);
  });
});
