/**
 * The GitHub Actions examples (issue 14, item 5) as a user copies them: least-privilege
 * permissions, both kinds of credentials wired, the journal kept where it is not evicted,
 * current action majors, and fork pull requests handled without a writable token.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type Workflow = { permissions?: Record<string, string>; jobs: Record<string, { if?: string; env?: Record<string, string>; steps: { uses?: string; run?: string; if?: string; name?: string }[] }> };
const load = (name: string): { text: string; wf: Workflow } => {
  const text = readFileSync(`examples/github-actions/${name}`, 'utf8');
  return { text, wf: parse(text) as Workflow };
};
const CURRENT = { 'actions/checkout': 6, 'actions/setup-node': 6, 'actions/github-script': 9 } as Record<string, number>;

describe.each(['esm-deploy.yml', 'esm-plan.yml'])('%s', (name) => {
  const { wf } = load(name);
  it('declares its permissions', () => {
    expect(wf.permissions).toBeDefined();
    expect(Object.values(wf.permissions!).every((v) => v === 'read' || v === 'write')).toBe(true);
  });

  it('uses the current major version of every action', () => {
    const uses = Object.values(wf.jobs).flatMap((j) => j.steps.flatMap((s) => (s.uses ? [s.uses] : [])));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) {
      const [action, version] = u.split('@') as [string, string];
      expect(CURRENT[action], `${u}: an action this test knows`).toBeDefined();
      expect(u).toBe(`${action}@v${CURRENT[action]}`);
    }
  });

  it('wires basic auth as well as the API key for every job that reaches a cluster', () => {
    for (const job of Object.values(wf.jobs).filter((j) => j.env?.ESM_URL)) {
      expect(job.env).toMatchObject({ ESM_API_KEY: '${{ secrets.ESM_API_KEY }}', ESM_USERNAME: '${{ secrets.ESM_USERNAME }}', ESM_PASSWORD: '${{ secrets.ESM_PASSWORD }}' });
    }
  });
});

describe('esm-deploy.yml', () => {
  const { text, wf } = load('esm-deploy.yml');
  it('keeps the journal on a branch (not the evictable cache) and says why', () => {
    const steps = wf.jobs.deploy!.steps;
    expect(steps.some((s) => s.uses?.startsWith('actions/cache'))).toBe(false);
    const save = steps.find((s) => s.name?.startsWith('Save the esm journal'))!;
    expect(save.if).toBe('always()');
    expect(save.run).toContain('HEAD:refs/heads/esm-state');
    expect(steps.find((s) => s.name?.startsWith('Restore the esm journal'))!.run).toContain('git fetch --depth=1 origin esm-state');
    expect(wf.permissions).toEqual({ contents: 'write' });
    expect(text).toMatch(/Why a branch: the Actions cache is evicted/);
  });
});

describe('esm-plan.yml', () => {
  const { text, wf } = load('esm-plan.yml');
  const fromThisRepo = "github.event.pull_request.head.repo.full_name == github.repository";
  it('writes every plan to the job summary and comments only where the token can write', () => {
    for (const job of Object.values(wf.jobs)) {
      expect(job.steps.some((s) => s.run?.includes('>> "$GITHUB_STEP_SUMMARY"'))).toBe(true);
      for (const s of job.steps.filter((x) => x.uses?.startsWith('actions/github-script'))) expect(`${s.if ?? ''} ${job.if ?? ''}`).toContain(fromThisRepo);
    }
    expect(wf.jobs['cluster-plan']!.if).toContain(fromThisRepo);
  });

  it('explains fork pull requests and pull_request_target', () => {
    expect(text).toMatch(/forks: GitHub gives them a read-only token/);
    expect(text).toMatch(/pull_request_target[\s\S]*must never\s+#? ?check out and run the fork's code/);
  });
});
