/** `esm plan --offline` for people. */
import type { OfflinePlan } from '../plan/types.js';
import { paint } from './ansi.js';
import { visible as v } from './escape.js';
import { offlineCommitsWords, offlineHeadline, offlineSummaryWords } from './offline-words.js';
import { tone } from './plan-text.js';

export function renderOfflinePlanText(plan: OfflinePlan, opts: { color: boolean }): string {
  const p = paint(opts.color);
  const lines: string[] = [p.dim(`manifests at ${v(plan.baseRef ?? 'the base')} compared with the working tree (no cluster)`), p.dim(v(offlineCommitsWords(plan))), ''];
  const quiet = plan.masters.filter((m) => m.status === 'unchanged' && m.reasons.length === 0);
  for (const m of plan.masters.filter((x) => !quiet.includes(x))) {
    const head = offlineHeadline(m);
    lines.push(`${tone(p, head.tone)(head.symbol)} ${p.bold(v(m.name))}: ${head.text}`);
    for (const r of m.reasons) lines.push(p.dim(`    # ${v(r)}`));
    lines.push('');
  }
  if (quiet.length) lines.push(p.dim(`= unchanged: ${quiet.map((m) => v(m.name)).join(', ')}`), '');
  lines.push(p.bold(v(offlineSummaryWords(plan))));
  return lines.join('\n') + '\n';
}
