/**
 * The GitHub Actions examples as a user copies them: least-privilege
 * permissions, both kinds of credentials wired, the journal kept where it is not evicted,
 * current action majors, and fork pull requests handled without a writable token.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type Step = { uses?: string; run?: string; if?: string; name?: string; with?: Record<string, string> };
type Workflow = { permissions?: Record<string, string>; jobs: Record<string, { if?: string; env?: Record<string, string>; steps: Step[] }> };
const load = (name: string): { text: string; wf: Workflow } => {
  const text = readFileSync(`examples/github-actions/${name}`, 'utf8');
  return { text, wf: parse(text) as Workflow };
};
const CURRENT = { 'actions/checkout': 6, 'actions/setup-node': 6 } as Record<string, number>;
/** esm's own action (action.yml at the root of the repository it lives in), as the examples name it. */
const ESM_ACTION = 'OWNER/esm@v1';
const esmSteps = (wf: Workflow): Step[] => Object.values(wf.jobs).flatMap((j) => j.steps.filter((s) => s.uses === ESM_ACTION));
const actionInputs = Object.keys((parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, unknown> }).inputs);

describe.each(['esm-deploy.yml', 'esm-plan.yml'])('%s', (name) => {
  const { wf } = load(name);
  it('declares its permissions', () => {
    expect(wf.permissions).toBeDefined();
    expect(Object.values(wf.permissions!).every((v) => v === 'read' || v === 'write')).toBe(true);
  });

  it("runs esm through esm's own action, with inputs the action has", () => {
    expect(esmSteps(wf).length).toBeGreaterThan(0);
    for (const step of esmSteps(wf)) {
      expect(['plan', 'plan-offline', 'apply']).toContain(step.with?.['command']);
      expect(Object.keys(step.with ?? {}).filter((k) => !actionInputs.includes(k))).toEqual([]);
    }
    expect(Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? '')).join('\n')).not.toMatch(/npx esm|npm ci/);
  });

  it('uses the current major version of every action', () => {
    const uses = Object.values(wf.jobs).flatMap((j) => j.steps.flatMap((s) => (s.uses && s.uses !== ESM_ACTION ? [s.uses] : [])));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) {
      const [action, version] = u.split('@') as [string, string];
      expect(CURRENT[action], `${u}: an action this test knows`).toBeDefined();
      expect(u).toBe(`${action}@v${CURRENT[action]}`);
    }
  });

  it('wires basic auth as well as the API key for every step that reaches a cluster', () => {
    const cluster = esmSteps(wf).filter((s) => s.with?.['command'] !== 'plan-offline');
    for (const step of cluster) {
      expect(step.with).toMatchObject({
        url: '${{ secrets.ESM_URL }}',
        'api-key': '${{ secrets.ESM_API_KEY }}',
        username: '${{ secrets.ESM_USERNAME }}',
        password: '${{ secrets.ESM_PASSWORD }}',
      });
    }
  });
});

describe('esm-deploy.yml', () => {
  const { text, wf } = load('esm-deploy.yml');
  it('applies before the deployment without moving an alias, then after it', () => {
    expect(esmSteps(wf).map((s) => [s.with?.['command'], s.with?.['no-activate'] ?? 'false'])).toEqual([
      ['apply', 'true'],
      ['apply', 'false'],
    ]);
  });

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
  it('plans offline in every pull request, and against the cluster only for pull requests of this repository', () => {
    expect(esmSteps(wf).map((s) => s.with?.['command'])).toEqual(['plan-offline', 'plan']);
    expect(wf.jobs['offline-plan']!.steps[0]).toMatchObject({ uses: 'actions/checkout@v6', with: { 'fetch-depth': 0 } });
    expect(wf.jobs['cluster-plan']!.if).toContain(fromThisRepo);
  });

  it('explains fork pull requests and pull_request_target', () => {
    expect(text).toMatch(/forks: GitHub gives them a read-only token/);
    expect(text).toMatch(/on a 403 it leaves a notice and does not\s+#? ?fail/);
    expect(text).toMatch(/pull_request_target[\s\S]*must never\s+#? ?check out and run the fork's code/);
  });
});
