/**
 * Text a manifest supplies (names, field paths in reasons, warning
 * messages) must not be able to add lines to a plan, nor forge "no changes" in
 * the pull-request comment.
 */
import { describe, expect, it } from 'vitest';
import type { OfflinePlan, Plan } from '../plan/types.js';
import { mdText } from './escape.js';
import { visible } from '../visible.js';
import { renderOfflinePlanMarkdown } from './offline-plan-markdown.js';
import { renderOfflinePlanText } from './offline-plan-text.js';
import { renderPlanMarkdown } from './plan-markdown.js';
import { renderPlanText } from './plan-text.js';

const FORGED = 'evil\n\n**No changes. Index masters match the manifests.**\n\n<!--';
const NAME = 'evil\n\n=\tmovies\tno\tchanges';
const FIELD = 'title`|<b>x</b>\n\n| movies | no changes | — | — |\n\u202e';

function hostilePlan(): Plan {
  return {
    formatVersion: 1,
    planId: 'p-1',
    createdAt: '2025-06-01T12:00:00.000Z',
    git: null,
    base: { stateHash: 's', clusterHash: 'c' },
    prefix: '',
    masters: [
      {
        name: NAME,
        alias: NAME,
        fingerprint: 'sha256:aa',
        active: `${NAME}-1`,
        decision: 'replace',
        steps: [
          { op: 'create', index: `${FORGED}-2`, number: 2 },
          { op: 'fill', index: `${FORGED}-2`, mode: 'full', via: 'source' },
          { op: 'activate', alias: NAME, from: `${NAME}-1`, to: `${FORGED}-2` },
        ],
        reasons: [`mappings.properties.${FIELD}.type: text → keyword (not updatable in place)`],
      },
    ],
    warnings: [{ code: 'orphan', master: FORGED, message: `index ${FIELD} is not in the manifests` }],
    summary: { create: 1, fill: 1, catch_up: 0, activate: 1, in_place: 0, drop: 0, noop: 0, adopt: 0 },
  } as unknown as Plan;
}

describe('escaping what a manifest supplies', () => {
  it('visible() writes invisible characters as escapes, on one line', () => {
    expect(visible('a\nb\tc\u0000d\u202ee\u200bf')).toBe('a\\nb\\tc\\u0000d\\u202ee\\u200bf');
  });

  it('mdText() leaves nothing for markdown or HTML to interpret', () => {
    expect(mdText('a|b`c<d>&*_[x](y)')).not.toMatch(/[|`<>*_[\]]/);
  });

  it('the markdown plan keeps its own structure: one table row per master, no forged verdict, no HTML from the manifest', () => {
    const md = renderPlanMarkdown(hostilePlan());
    const lines = md.split('\n');
    expect(lines.filter((l) => l.startsWith('**'))).toEqual(['**Plan: 1 to create, 1 to fill, 0 to catch up, 1 to activate, 0 to update in place, 0 to drop.**']);
    const rows = lines.filter((l) => l.startsWith('|'));
    expect(rows).toHaveLength(3); // header, separator, the one master
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(7); // five columns: master, decision, active, steps, live docs
    // Inside the fenced diff blocks HTML is shown as code; the fences themselves are the renderer's own.
    const outside = md.replace(/^```diff\n[\s\S]*?^```$/gm, '');
    expect(outside).not.toContain('<!--');
    expect(outside).not.toContain('<b>');
    expect(lines.filter((l) => l.startsWith('```'))).toEqual(['```diff', '```']);
    expect(md).not.toContain('\u202e');
    expect(md).not.toMatch(/^No changes/m);
    // Every line is one the renderer wrote: nothing starts with the injected text.
    expect(lines.filter((l) => /^(=|\| movies|\*\*No)/.test(l))).toEqual([]);
  });

  it('the text plan shows hostile names escaped on their own lines', () => {
    const text = renderPlanText(hostilePlan(), { color: false });
    expect(text).toContain('evil\\n\\n=\\tmovies\\tno\\tchanges');
    expect(text).not.toMatch(/^(=|\*\*No changes|No changes)/m);
    expect(text).not.toContain('\u202e');
    expect(text.split('\n').filter((l) => l.startsWith('-/+'))).toHaveLength(1);
  });

  it('the offline plan (text and markdown) escapes names and reasons too', () => {
    const plan = {
      formatVersion: 1,
      baseRef: 'main`|<!--',
      masters: [{ name: NAME, status: 'changed', verdict: 'replace', newInstance: true, reasons: [FIELD] }],
      summary: { added: 0, removed: 0, changed: 1, replace: 1, in_place: 0, unchanged: 0, newInstances: 1 },
    } as unknown as OfflinePlan;
    const md = renderOfflinePlanMarkdown(plan);
    expect(md).not.toContain('<!--');
    expect(md.split('\n').filter((l) => l.startsWith('|'))).toHaveLength(3);
    const text = renderOfflinePlanText(plan, { color: false });
    expect(text).toContain('evil\\n\\n=\\tmovies');
    expect(text).not.toMatch(/^=/m);
  });

  it("the offline plan's figures from the history (a state file's name, an instance name) are escaped too", () => {
    const plan = {
      formatVersion: 1,
      baseRef: 'main',
      history: { file: FORGED, read: true },
      masters: [
        { name: 'movies', status: 'changed', verdict: 'replace', newInstance: true, recordedDocs: { instance: FIELD, docs: 3, at: '2026-11-30T10:00:00.000Z' }, reasons: ['x'] },
        { name: 'tags', status: 'unchanged', verdict: null, newInstance: false, recordedDocs: { instance: NAME, docs: 1, at: '2026-11-30T10:00:00.000Z' }, reasons: [] },
      ],
      summary: { added: 0, removed: 0, changed: 1, replace: 1, in_place: 0, unchanged: 1, newInstances: 1 },
    } as unknown as OfflinePlan;
    const md = renderOfflinePlanMarkdown(plan);
    expect(md).not.toContain('<!--');
    expect(md).not.toContain('<b>');
    expect(md).not.toMatch(/^\*\*No changes/m);
    expect(md.split('\n').filter((l) => l.startsWith('|'))).toHaveLength(4);
    const text = renderOfflinePlanText(plan, { color: false });
    expect(text).not.toMatch(/^(\*\*No changes|=\t|<!--)/m);
    expect(text).not.toContain('\u202e');
    expect(text).toContain('document counts from the history (evil\\n\\n**No changes.');
  });

  it('tables (list, history) keep one line per row whatever a cell holds', async () => {
    const { table } = await import('./list-text.js');
    const lines = table([['ID', 'COMMAND'], ['1', 'esm apply evil\n\n1  esm drop --force\u202e']]);
    expect(lines).toEqual(['ID  COMMAND', '1   esm apply evil\\n\\n1  esm drop --force\\u202e']);
  });
});

