/** `esm plan --offline` for people. */
import type { OfflinePlan } from '../plan/types.js';
import { paint } from './ansi.js';
import { visible as v } from '../visible.js';
import { offlineCommitsWords, offlineCompanionHeadline, offlineHeadline, offlineHistoryWords, offlineSummaryWords, recordedDocsWords } from './offline-words.js';
import { fillEstimateWords } from './plan-words.js';
import { tone } from './plan-text.js';
import { fmtDocs } from './progress-lines.js';

export function renderOfflinePlanText(plan: OfflinePlan, opts: { color: boolean }): string {
  const p = paint(opts.color);
  const lines: string[] = [p.dim(`manifests at ${v(plan.baseRef ?? 'the base')} compared with the working tree (no cluster)`), p.dim(v(offlineCommitsWords(plan)))];
  const history = offlineHistoryWords(plan, v);
  if (history) lines.push(p.dim(history));
  lines.push('');
  const quiet = plan.masters.filter((m) => m.status === 'unchanged' && m.reasons.length === 0);
  for (const m of plan.masters.filter((x) => !quiet.includes(x))) {
    const head = offlineHeadline(m);
    lines.push(`${tone(p, head.tone)(head.symbol)} ${p.bold(v(m.name))}: ${head.text}`);
    const size = [recordedDocsWords(m), fillEstimateWords(m)].filter((x) => x !== null).join('; ');
    if (size) lines.push(p.dim(`    docs: ${v(size)}`));
    for (const r of m.reasons) lines.push(p.dim(`    # ${v(r)}`));
    lines.push('');
  }
  if (quiet.length) {
    const named = quiet.map((m) => `${v(m.name)}${m.recordedDocs ? ` (${fmtDocs(m.recordedDocs.docs)})` : ''}`);
    lines.push(p.dim(`= unchanged: ${named.join(', ')}`), '');
  }
  const companions = plan.companions ?? [];
  if (companions.length) {
    lines.push(p.bold('Companion objects:'));
    for (const c of companions.filter((x) => x.status !== 'unchanged')) {
      const head = offlineCompanionHeadline(c);
      lines.push(`  ${tone(p, head.tone)(head.symbol)} ${p.bold(v(`${c.kind} ${c.name}`))}: ${head.text}${c.masters.length ? ` (used by ${v(c.masters.join(', '))})` : ''}`);
      for (const r of c.reasons) lines.push(p.dim(`      # ${v(r)}`));
    }
    const same = companions.filter((x) => x.status === 'unchanged');
    if (same.length) lines.push(p.dim(`  = unchanged: ${same.map((c) => v(`${c.kind} ${c.name}`)).join(', ')}`));
    lines.push('');
  }
  lines.push(p.bold(v(offlineSummaryWords(plan))));
  return lines.join('\n') + '\n';
}
