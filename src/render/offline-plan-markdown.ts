/** `esm plan --offline --markdown`: which masters a pull request would rebuild. */
import type { OfflinePlan } from '../plan/types.js';
import { offlineCommitsWords, offlineHeadline, offlineSummaryWords } from './offline-words.js';
import { mdCode as code, mdText as html } from './escape.js';

export function renderOfflinePlanMarkdown(plan: OfflinePlan): string {
  const out: string[] = ['### esm plan (offline)', '', `**${html(offlineSummaryWords(plan))}**`, ''];
  if (plan.masters.length) {
    out.push('| master | change | new instance |', '| --- | --- | --- |');
    for (const m of plan.masters) {
      out.push(`| ${code(m.name)} | ${html(offlineHeadline(m).text)} | ${m.newInstance ? 'yes' : 'no'} |`);
    }
    out.push('');
  }
  for (const m of plan.masters.filter((x) => x.reasons.length > 0)) {
    out.push('<details>', `<summary>${code(m.name)}: ${html(offlineHeadline(m).text)}</summary>`, '');
    for (const r of m.reasons) out.push(`- ${html(r)}`);
    out.push('', '</details>', '');
  }
  out.push(`<sub>compared with ${plan.baseRef ? code(plan.baseRef) : 'the base'}, no cluster consulted: ${html(offlineCommitsWords(plan))}</sub>`);
  return out.join('\n') + '\n';
}
