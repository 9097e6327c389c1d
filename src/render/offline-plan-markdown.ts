/** `esm plan --offline --markdown`: which masters a pull request would rebuild. */
import type { OfflineMaster, OfflinePlan } from '../plan/types.js';
import { offlineCommitsWords, offlineCompanionHeadline, offlineHeadline, offlineHistoryWords, offlineSummaryWords } from './offline-words.js';
import { mdCode as code, mdText as html } from './escape.js';
import { fillEstimateWords } from './plan-words.js';
import { fmtInt } from './progress-lines.js';

export function renderOfflinePlanMarkdown(plan: OfflinePlan): string {
  const out: string[] = ['### esm plan (offline)', '', `**${html(offlineSummaryWords(plan))}**`, ''];
  // A docs column only when a history was read: without one there is nothing to put in it.
  const docs = plan.history?.read === true;
  if (plan.masters.length) {
    out.push(docs ? '| master | change | new instance | docs (history) |' : '| master | change | new instance |', docs ? '| --- | --- | --- | --- |' : '| --- | --- | --- |');
    for (const m of plan.masters) {
      out.push(`| ${code(m.name)} | ${html(offlineHeadline(m).text)} | ${m.newInstance ? 'yes' : 'no'} |${docs ? ` ${docsCell(m)} |` : ''}`);
    }
    out.push('');
  }
  for (const m of plan.masters.filter((x) => x.reasons.length > 0)) {
    out.push('<details>', `<summary>${code(m.name)}: ${html(offlineHeadline(m).text)}</summary>`, '');
    const estimate = fillEstimateWords(m);
    if (estimate) out.push(`${html(estimate[0]!.toUpperCase() + estimate.slice(1))} (from the history).`, '');
    for (const r of m.reasons) out.push(`- ${html(r)}`);
    out.push('', '</details>', '');
  }
  const companions = plan.companions ?? [];
  if (companions.length) {
    out.push('| companion | kind | change | used by |', '| --- | --- | --- | --- |');
    for (const c of companions) out.push(`| ${code(c.name)} | ${c.kind} | ${html(offlineCompanionHeadline(c).text)} | ${c.masters.length ? c.masters.map(code).join(', ') : '—'} |`);
    out.push('');
    for (const c of companions.filter((x) => x.reasons.length > 0)) {
      out.push('<details>', `<summary>${c.kind} ${code(c.name)}: ${html(offlineCompanionHeadline(c).text)}</summary>`, '');
      for (const r of c.reasons) out.push(`- ${html(r)}`);
      out.push('', '</details>', '');
    }
  }
  const history = offlineHistoryWords(plan, code);
  out.push(`<sub>compared with ${plan.baseRef ? code(plan.baseRef) : 'the base'}, no cluster consulted: ${html(offlineCommitsWords(plan))}${history ? `; ${history}` : ''}</sub>`);
  return out.join('\n') + '\n';
}

/** `12,000 in <code>movies-3</code> (2026-11-30)`: what the active instance's last fill moved. */
function docsCell(m: OfflineMaster): string {
  const r = m.recordedDocs;
  return r ? `${fmtInt(r.docs)} in ${code(r.instance)} (${html(r.at.slice(0, 10))})` : '—';
}
