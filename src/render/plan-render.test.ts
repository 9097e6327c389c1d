import { describe, expect, it } from 'vitest';
import type { OfflinePlan, Plan } from '../plan/types.js';
import { aMasterPlan } from '../../test/support/plan-builders.js';
import { renderOfflinePlanMarkdown } from './offline-plan-markdown.js';
import { renderOfflinePlanText } from './offline-plan-text.js';
import { renderOfflinePlanJson, renderPlanJson } from './plan-json.js';
import { renderPlanMarkdown } from './plan-markdown.js';
import { renderPlanText } from './plan-text.js';

function aPlan(): Plan {
  return {
    formatVersion: 1,
    planId: 'p-42',
    createdAt: '2025-06-01T12:00:00.000Z',
    git: { commit: '0123456789abcdef0123', branch: 'main', dirty: false },
    base: { stateHash: 's', clusterHash: 'c' },
    prefix: '',
    masters: [
      {
        ...aMasterPlan({ name: 'movies' }),
        name: 'movies',
        alias: 'movies',
        fingerprint: 'sha256:aa',
        active: 'movies-1',
        decision: 'replace',
        steps: [
          { op: 'create', index: 'movies-2', number: 2 },
          { op: 'fill', index: 'movies-2', mode: 'full', via: 'source' },
          { op: 'catch_up', index: 'movies-2', since: null },
          { op: 'activate', alias: 'movies', from: 'movies-1', to: 'movies-2' },
          { op: 'drop', index: 'movies-0', reason: 'retention keeps the newest inactive instance (movies-1)' },
        ],
        reasons: ['a new instance is needed: 1 change cannot be made in place on movies-1', 'mappings.properties.title.type: text → keyword (not updatable in place)'],
      },
      {
        ...aMasterPlan({ name: 'people' }),
        name: 'people',
        alias: 'people',
        fingerprint: 'sha256:bb',
        active: 'people-3',
        decision: 'in_place',
        steps: [{ op: 'in_place', index: 'people-3', settings: { 'index.refresh_interval': '30s' }, mappings: null }],
        reasons: ['settings.refresh_interval: 1s → 30s (dynamic setting, updated in place)'],
      },
      {
        ...aMasterPlan({ name: 'shows' }),
        name: 'shows',
        alias: 'shows',
        fingerprint: 'sha256:dd',
        active: null,
        decision: 'noop',
        blocked: 'an index named "shows" exists where esm needs the alias "shows"',
        steps: [],
        reasons: ['an index named "shows" exists where esm needs the alias "shows"'],
      },
      aMasterPlan({ name: 'tags', alias: 'tags', fingerprint: 'sha256:cc', active: 'tags-1', decision: 'noop', steps: [], reasons: ['tags-1 is active'] }),
    ],
    warnings: [
      { code: 'conflict', master: 'shows', message: 'an index named "shows" exists where esm needs the alias "shows"' },
      { code: 'orphan', master: 'films', message: 'no manifest declares master films <old>' },
    ],
    summary: { create: 1, fill: 1, catch_up: 1, prune: 0, activate: 1, in_place: 1, drop: 1, noop: 1, adopt: 0 },
  };
}

function anEmptyPlan(): Plan {
  const p = aPlan();
  return { ...p, masters: [p.masters[3]!], warnings: [], summary: { create: 0, fill: 0, catch_up: 0, prune: 0, activate: 0, in_place: 0, drop: 0, noop: 1, adopt: 0 } };
}

describe('renderPlanText', () => {
  it('reads like terraform plan, without any ANSI code when colour is off', () => {
    const text = renderPlanText(aPlan(), { color: false });
    expect(text).not.toContain('\x1b');
    expect(text).toContain('-/+ movies: replace movies-1 with movies-2');
    expect(text).toContain('    # mappings.properties.title.type: text → keyword (not updatable in place)');
    expect(text).toMatch(/\+ create\s+movies-2/);
    expect(text).toMatch(/> fill\s+movies-2 \(full, from the source\)/);
    expect(text).toMatch(/> catch up\s+movies-2 \(documents changed since the fill started\)/);
    expect(text).toMatch(/→ activate\s+movies: movies-1 → movies-2/);
    expect(text).toMatch(/- drop\s+movies-0 \(retention keeps/);
    expect(text).toContain('~ people: update people-3 in place');
    expect(text).toContain('PUT _settings index.refresh_interval');
    expect(text).toContain('! shows: blocked by a conflict');
    expect(text).toContain('= tags: no changes (tags-1 is active)');
    expect(text).toContain('! conflict shows: an index named "shows" exists');
    expect(text).toContain('! orphan films: no manifest declares master films');
    expect(text.trimEnd().split('\n').at(-1)).toBe('Plan: 1 to create, 1 to fill, 1 to catch up, 1 to activate, 1 to update in place, 1 to drop.');
  });

  it('shows the prune step before the activation and counts it in the summary (text and markdown)', () => {
    const p = aPlan();
    const movies = p.masters[0]!;
    const steps = [...movies.steps.slice(0, 3), { op: 'prune' as const, index: 'movies-2' }, ...movies.steps.slice(3)];
    const pruned: Plan = { ...p, masters: [{ ...movies, steps }, ...p.masters.slice(1)], summary: { ...p.summary, prune: 1 } };
    const text = renderPlanText(pruned, { color: false });
    expect(text).toMatch(/catch up\s+movies-2 \(documents changed since the fill started\)\n\s+- prune\s+movies-2 \(delete the documents whose id the source no longer has\)\n\s+→ activate/);
    expect(text.trimEnd().split('\n').at(-1)).toBe('Plan: 1 to create, 1 to fill, 1 to catch up, 1 to prune, 1 to activate, 1 to update in place, 1 to drop.');
    const md = renderPlanMarkdown(pruned);
    expect(md).toContain('- prune movies-2 (delete the documents whose id the source no longer has)');
    expect(md).toContain('**Plan: 1 to create, 1 to fill, 1 to catch up, 1 to prune, 1 to activate, 1 to update in place, 1 to drop.**');
    expect(JSON.parse(renderPlanJson(pruned)).masters[0].steps[3]).toEqual({ op: 'prune', index: 'movies-2' });
    expect(JSON.parse(renderPlanJson(pruned)).summary.prune).toBe(1);
  });

  it('shows the wait before the activation, green or yellow, and the replicas warning; a wait counts no change', () => {
    const p = aPlan();
    const movies = p.masters[0]!;
    const wait = (health: 'green' | 'yellow') => ({ op: 'wait' as const, index: 'movies-2', health });
    const withWait = (health: 'green' | 'yellow'): Plan => ({ ...p, masters: [{ ...movies, steps: [...movies.steps.slice(0, 3), wait(health), ...movies.steps.slice(3)] }, ...p.masters.slice(1)] });
    const text = renderPlanText(withWait('green'), { color: false });
    expect(text).toMatch(/… wait\s+until movies-2 is green \(every primary and replica shard active; at most --wait-timeout\)\n\s+→ activate/);
    expect(text.trimEnd().split('\n').at(-1)).toBe('Plan: 1 to create, 1 to fill, 1 to catch up, 1 to activate, 1 to update in place, 1 to drop.');
    const yellow: Plan = { ...withWait('yellow'), warnings: [{ code: 'replicas', master: 'movies', message: 'movies asks for 1 replica of each shard and the cluster has 1 data node' }] };
    const y = renderPlanText(yellow, { color: false });
    expect(y).toContain('until movies-2 is yellow (every primary active: the cluster cannot place its replicas; at most --wait-timeout)');
    expect(y).toContain('! replicas movies: movies asks for 1 replica of each shard and the cluster has 1 data node');
    expect(renderPlanMarkdown(yellow)).toContain('… wait until movies-2 is yellow');
    expect(JSON.parse(renderPlanJson(yellow)).masters[0].steps[3]).toEqual({ op: 'wait', index: 'movies-2', health: 'yellow' });
  });

  it('uses colour only when asked to', () => {
    expect(renderPlanText(aPlan(), { color: true })).toContain('\x1b[');
  });

  it('says there is nothing to do', () => {
    const text = renderPlanText(anEmptyPlan(), { color: false });
    expect(text.trimEnd().split('\n').at(-1)).toBe('No changes. Index masters match the manifests.');
  });

  it('shows the live docs and, for a replace, the fill estimate', () => {
    const p = aPlan();
    const movies = { ...p.masters.find((m) => m.name === 'movies')!, liveDocs: 40_000, fillEstimate: { docs: 40_000, seconds: 10, docsPerSecond: 4_000 } };
    const tags = { ...p.masters.find((m) => m.name === 'tags')!, liveDocs: 12 };
    const sized: Plan = { ...p, masters: p.masters.map((m) => (m.name === 'movies' ? movies : m.name === 'tags' ? tags : m)) };
    const text = renderPlanText(sized, { color: false });
    expect(text).toContain('    docs: 40,000 docs in movies-1; the fill moves about 40,000 docs, about 10s at the last measured 4,000 docs/s');
    expect(text).toContain('= tags: no changes (tags-1 is active), 12 docs');
    const unmeasured: Plan = { ...sized, masters: sized.masters.map((m) => (m.name === 'movies' ? { ...movies, fillEstimate: { docs: 40_000, seconds: null, docsPerSecond: null } } : m)) };
    expect(renderPlanText(unmeasured, { color: false })).toContain('the fill moves about 40,000 docs (no fill rate of this master recorded yet)');
    const md = renderPlanMarkdown(sized);
    expect(md).toContain('| master | decision | active | steps | live docs |');
    expect(md).toContain('| `movies` | replace | `movies-1` | create, fill, catch up, activate, drop | 40,000 |'.replace(/`(\w[\w-]*)`/g, '<code>$1</code>'));
    expect(md).toContain('The fill moves about 40,000 docs, about 10s at the last measured 4,000 docs/s.');
  });

  it('does not claim the masters match the manifests after a drift warning', () => {
    const drifted: Plan = { ...anEmptyPlan(), warnings: [{ code: 'drift', master: 'tags', message: 'the live mapping of tags-1 differs from its recorded fingerprint' }] };
    const text = renderPlanText(drifted, { color: false });
    expect(text).not.toContain('match the manifests');
    expect(text.trimEnd().split('\n').at(-1)).toBe("No changes to apply, but 1 master's live index differs from the recorded definition (see the drift warning).");
    expect(renderPlanMarkdown(drifted)).not.toContain('match the manifests');
  });

  it('does not claim everything matches when a master is blocked', () => {
    const p = aPlan();
    const blockedOnly: Plan = { ...p, masters: [p.masters[2]!], summary: { ...anEmptyPlan().summary, noop: 0 } };
    expect(renderPlanText(blockedOnly, { color: false })).toContain('1 master is blocked by a conflict');
  });

  it('names the environment prefix', () => {
    expect(renderPlanText({ ...anEmptyPlan(), prefix: 'qa1_' }, { color: false })).toContain('environment prefix: qa1_');
  });
});

describe('renderPlanMarkdown', () => {
  it('is a pull-request comment: heading, summary table, a <details> per changed master, warnings', () => {
    const md = renderPlanMarkdown(aPlan());
    expect(md).toContain('### esm plan');
    expect(md).toContain('**Plan: 1 to create, 1 to fill, 1 to catch up, 1 to activate, 1 to update in place, 1 to drop.**');
    expect(md).toContain('| master | decision | active | steps |');
    expect(md).toContain('| <code>movies</code> | replace | <code>movies-1</code> | create, fill, catch up, activate, drop |');
    expect(md).toContain('| <code>tags</code> | no changes | <code>tags-1</code> | — |');
    expect(md).toContain('| <code>shows</code> | blocked | — | — |');
    expect(md).toContain('<details>\n<summary><code>movies</code>: replace movies-1 with movies-2</summary>');
    expect(md).toContain('```diff\n+ create movies-2\n');
    expect(md).toContain('- mappings.properties.title.type: text → keyword (not updatable in place)');
    expect(md).not.toContain('<summary><code>tags</code>');
    expect(md).toContain('#### Warnings');
    expect(md).toContain('- **orphan** <code>films</code>: no manifest declares master films &#60;old&#62;');
    expect(md).toContain('commit <code>0123456789ab</code>');
    expect(md).not.toContain('\x1b');
  });

  it('says there is nothing to do', () => {
    const md = renderPlanMarkdown(anEmptyPlan());
    expect(md).toContain('**No changes. Index masters match the manifests.**');
    expect(md).not.toContain('<details>');
  });
});

describe('renderPlanJson', () => {
  it('parses back to the same plan', () => {
    const plan = aPlan();
    expect(JSON.parse(renderPlanJson(plan))).toEqual(plan);
  });

  it('has the SPEC key order whatever the order of the value, pretty-printed with 2 spaces', () => {
    const plan = aPlan();
    const reverse = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T;
    const reordered: Plan = reverse({ ...plan, masters: plan.masters.map(reverse), summary: reverse(plan.summary) });
    const json = renderPlanJson(reordered);
    const back = JSON.parse(json) as Plan;
    expect(back).toEqual(plan);
    expect(Object.keys(back)).toEqual(['formatVersion', 'planId', 'createdAt', 'git', 'base', 'prefix', 'masters', 'warnings', 'summary']);
    expect(json.split('\n')[1]).toBe('  "formatVersion": 1,');
    expect(Object.keys(back.masters[0]!)).toEqual(['name', 'alias', 'fingerprint', 'active', 'decision', 'steps', 'reasons', 'spec', 'origin']);
    expect(Object.keys(back.masters[2]!)).toEqual(['name', 'alias', 'fingerprint', 'active', 'decision', 'blocked', 'steps', 'reasons', 'spec', 'origin']);
    expect(Object.keys(back.summary)).toEqual(['create', 'fill', 'catch_up', 'prune', 'activate', 'in_place', 'drop', 'noop', 'adopt']);
  });
});

describe('offline plan renderers', () => {
  const offline: OfflinePlan = {
    formatVersion: 1,
    kind: 'offline',
    baseRef: 'origin/main',
    history: null,
    masters: [
      { name: 'movies', status: 'changed', baseFingerprint: 'sha256:a', headFingerprint: 'sha256:b', verdict: 'replace', newInstance: true, recordedDocs: null, reasons: ['needs a new instance: some changes cannot be made in place', 'mappings.properties.title.type: text → keyword (not updatable in place)'] },
      { name: 'people', status: 'added', baseFingerprint: null, headFingerprint: 'sha256:c', verdict: null, newInstance: true, recordedDocs: null, reasons: ['new master: apply creates its first instance'] },
      { name: 'tags', status: 'unchanged', baseFingerprint: 'sha256:d', headFingerprint: 'sha256:d', verdict: null, newInstance: false, recordedDocs: null, reasons: [] },
    ],
    summary: { added: 1, removed: 0, changed: 1, unchanged: 1, in_place: 0, replace: 1, newInstances: 2 },
  };

  it('renders text without ANSI when colour is off', () => {
    const text = renderOfflinePlanText(offline, { color: false });
    expect(text).not.toContain('\x1b');
    expect(text).toContain('-/+ movies: changed: needs a new instance');
    expect(text).toContain('    # mappings.properties.title.type: text → keyword (not updatable in place)');
    expect(text).toContain('+ people: added');
    expect(text).toContain('= unchanged: tags');
    expect(text).toContain('origin/main');
    expect(text).toContain('2 new instances in all');
    expect(renderOfflinePlanText(offline, { color: true })).toContain('\x1b[');
  });

  it('renders markdown with a table and details', () => {
    const md = renderOfflinePlanMarkdown(offline);
    expect(md).toContain('| master | change | new instance |');
    expect(md).toContain('| <code>movies</code> | changed: needs a new instance | yes |');
    expect(md).toContain('<details>');
  });

  it('renders JSON that parses back to the same value', () => {
    expect(JSON.parse(renderOfflinePlanJson(offline))).toEqual(offline);
  });

  describe('with figures from the history', () => {
    const movies = offline.masters[0]!;
    const tags = offline.masters[2]!;
    const withHistory: OfflinePlan = {
      ...offline,
      history: { file: '.esm/state.sqlite', read: true },
      masters: [
        {
          ...movies,
          recordedDocs: { instance: 'movies-3', docs: 12_000, at: '2026-11-30T10:00:00.000Z' },
          fillEstimate: { docs: 12_000, seconds: 3, docsPerSecond: 4_000 },
        },
        offline.masters[1]!,
        { ...tags, recordedDocs: { instance: 'tags-2', docs: 7, at: '2026-11-28T08:00:00.000Z' } },
      ],
    };

    it('text: the count of the last fill, dated, the fill estimate for a replace, and where the figures come from', () => {
      const text = renderOfflinePlanText(withHistory, { color: false });
      expect(text.split('\n').slice(0, 4)).toEqual([
        'manifests at origin/main compared with the working tree (no cluster)',
        'base origin/main → head the working tree',
        'document counts from the history (.esm/state.sqlite)',
        '',
      ]);
      expect(text).toContain(
        '-/+ movies: changed: needs a new instance\n    docs: 12,000 docs in movies-3 at its last fill (history, 2026-11-30); the fill moves about 12,000 docs, about 3s at the last measured 4,000 docs/s\n    # needs a new instance',
      );
      expect(text).toContain('+ people: added: a first instance will be created\n    # new master');
      expect(text).toContain('= unchanged: tags (7 docs)');
      const unmeasured: OfflinePlan = { ...withHistory, masters: withHistory.masters.map((m) => (m.name === 'movies' ? { ...m, fillEstimate: { docs: 12_000, seconds: null, docsPerSecond: null } } : m)) };
      expect(renderOfflinePlanText(unmeasured, { color: false })).toContain('; the fill moves about 12,000 docs (no fill rate of this master recorded yet)\n');
    });

    it('text: says when the history could not give any, and adds nothing without one', () => {
      const missing = renderOfflinePlanText({ ...offline, history: { file: '.esm/state.sqlite', read: false } }, { color: false });
      expect(missing.split('\n')[2]).toBe('no history (.esm/state.sqlite): no document counts');
      expect(missing).not.toContain('docs:');
      const none = renderOfflinePlanText(offline, { color: false });
      expect(none).not.toContain('history');
      expect(none.split('\n')[2]).toBe('');
    });

    it('markdown: a docs column from the history, the estimate in the details, the source in the footer', () => {
      const md = renderOfflinePlanMarkdown(withHistory);
      expect(md).toContain('| master | change | new instance | docs (history) |\n| --- | --- | --- | --- |');
      expect(md).toContain('| <code>movies</code> | changed: needs a new instance | yes | 12,000 in <code>movies-3</code> (2026-11-30) |');
      expect(md).toContain('| <code>people</code> | added: a first instance will be created | yes | — |');
      expect(md).toContain('| <code>tags</code> | settings and mappings unchanged | no | 7 in <code>tags-2</code> (2026-11-28) |');
      expect(md).toContain('<summary><code>movies</code>: changed: needs a new instance</summary>\n\nThe fill moves about 12,000 docs, about 3s at the last measured 4,000 docs/s (from the history).\n');
      expect(md).toMatch(/; document counts from the history \(<code>\.esm\/state\.sqlite<\/code>\)<\/sub>\n$/);
      const none = renderOfflinePlanMarkdown({ ...offline, history: { file: '.esm/state.sqlite', read: false } });
      expect(none).toContain('| master | change | new instance |\n| --- | --- | --- |\n');
      expect(none).toContain('; no history (<code>.esm/state.sqlite</code>): no document counts</sub>');
      expect(none).not.toContain('The fill moves');
    });

    it('JSON: parses back to the same value, the new keys in place', () => {
      const json = renderOfflinePlanJson(withHistory);
      const back = JSON.parse(json) as OfflinePlan;
      expect(back).toEqual(withHistory);
      expect(Object.keys(back)).toEqual(['formatVersion', 'kind', 'baseRef', 'history', 'masters', 'summary']);
      expect(Object.keys(back.masters[0]!)).toEqual(['name', 'status', 'baseFingerprint', 'headFingerprint', 'verdict', 'newInstance', 'recordedDocs', 'fillEstimate', 'reasons']);
      expect(Object.keys(back.masters[0]!.recordedDocs!)).toEqual(['instance', 'docs', 'at']);
      expect(Object.keys(back.masters[1]!)).toEqual(['name', 'status', 'baseFingerprint', 'headFingerprint', 'verdict', 'newInstance', 'recordedDocs', 'reasons']);
      expect(JSON.parse(renderOfflinePlanJson(offline))).toMatchObject({ history: null, masters: [{ recordedDocs: null }, { recordedDocs: null }, { recordedDocs: null }] });
    });
  });

  it('says when nothing changed', () => {
    const same: OfflinePlan = { ...offline, masters: [offline.masters[2]!], summary: { added: 0, removed: 0, changed: 0, unchanged: 1, in_place: 0, replace: 0, newInstances: 0 } };
    expect(renderOfflinePlanText(same, { color: false })).toContain("No changes. The manifests' settings and mappings match origin/main.");
  });
});

describe('a fill that resumes', () => {
  const resumed = (): Plan => ({
    ...anEmptyPlan(),
    masters: [
      aMasterPlan({
        name: 'movies',
        active: 'movies-1',
        decision: 'catch_up_activate',
        steps: [
          {
            op: 'fill',
            index: 'movies-2',
            mode: 'full',
            via: 'source',
            resume: {
              docs: 6_400_000,
              total: 10_000_000,
              startedAt: '2025-05-31T10:00:00.000Z',
              position: { kind: 'ndjson', file: '../data/movies.ndjson', prior: 'x', offset: 1_234_567_890, line: 6_400_000, size: 2e9, mtimeMs: 1, lastId: 'm-6400000' },
            },
          },
          { op: 'catch_up', index: 'movies-2', since: null },
          { op: 'activate', alias: 'movies', from: 'movies-1', to: 'movies-2' },
        ],
      }),
    ],
    summary: { ...anEmptyPlan().summary, fill: 1, catch_up: 1, activate: 1 },
  });

  it('says resume fill of <index> from N in text and markdown, and carries the checkpoint in JSON', () => {
    const text = renderPlanText(resumed(), { color: false });
    expect(text).toMatch(/> resume fill of movies-2 from 6,400,000 \/ 10,000,000 \(full, from the source, after \.\.\/data\/movies\.ndjson byte 1,234,567,890 \(line 6,400,000\)\)/);
    const md = renderPlanMarkdown(resumed());
    expect(md).toContain('> resume fill of movies-2 from 6,400,000 / 10,000,000');
    expect(md).toContain('| resume fill, catch up, activate |');
    const json = JSON.parse(renderPlanJson(resumed())) as Plan;
    expect(json.masters[0]!.steps[0]).toEqual(resumed().masters[0]!.steps[0]);
    expect(Object.keys((json.masters[0]!.steps[0] as { resume: object }).resume)).toEqual(['docs', 'total', 'startedAt', 'position']);
  });
});
