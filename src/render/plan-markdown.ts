/** `esm plan --markdown`: the plan as a pull-request comment (GitHub-flavoured markdown). */
import { hasChanges, isBlocked, type MasterPlan, type Plan } from '../plan/types.js';
import { mdCode as code, mdText as html } from './escape.js';
import { visible } from '../visible.js';
import { clusterWords } from './cluster-words.js';
import { blockedWords, companionHeadline, fillEstimateWords, masterHeadline, noChangesWords, stepWords, summaryWords } from './plan-words.js';
import { fmtInt } from './progress-lines.js';

export function renderPlanMarkdown(plan: Plan): string {
  const out: string[] = [];
  const blocked = plan.masters.filter((m) => m.blocked).length;
  const companions = plan.companions ?? [];
  // The verdict is esm's own words (counts only), never text from a manifest.
  const verdict = hasChanges(plan)
    ? `Plan: ${summaryWords(plan.summary)}.`
    : isBlocked(plan)
      ? blockedWords(blocked, companions.filter((c) => c.blocked).length)
      : noChangesWords(plan);
  out.push('### esm plan', '', `**${verdict}**`, '');
  if (plan.cluster) out.push(`<sub>${html(clusterWords(plan.cluster))}</sub>`, '');

  if (companions.length) {
    out.push('| companion | kind | action | used by |', '| --- | --- | --- | --- |');
    for (const c of companions) {
      const used = c.usedBy.length ? c.usedBy.map(code).join(', ') : '—';
      out.push(`| ${code(c.id)} | ${c.kind} | ${html(companionHeadline(c).text)} | ${used} |`);
    }
    out.push('');
    if (plan.synonyms) out.push(`Synonym sets ${plan.synonyms.path === 'api' ? 'go through the synonyms API' : 'are inlined into the masters’ analysis'}: ${html(plan.synonyms.reason)}.`, '');
    for (const c of companions.filter((x) => x.blocked || !['noop', 'inline'].includes(x.action))) {
      out.push('<details>', `<summary>${c.kind} ${code(c.id)}: ${html(companionHeadline(c).text)}</summary>`, '');
      for (const r of c.reasons) out.push(`- ${html(r)}`);
      out.push('', '</details>', '');
    }
  }

  if (plan.masters.length) {
    out.push('| master | decision | active | steps | live docs |', '| --- | --- | --- | --- | --- |');
    for (const m of plan.masters) {
      const live = m.liveDocs !== undefined && m.liveDocs !== null ? fmtInt(m.liveDocs) : '—';
      out.push(`| ${code(m.name)} | ${html(decisionLabel(m))} | ${m.active ? code(m.active) : '—'} | ${html(stepList(m))} | ${live} |`);
    }
    out.push('');
  }

  for (const m of plan.masters.filter((x) => x.steps.length > 0 || x.blocked)) {
    const head = masterHeadline(m);
    out.push('<details>', `<summary>${code(m.name)}: ${html(head.text)}</summary>`, '');
    const estimate = fillEstimateWords(m);
    if (estimate) out.push(`${html(estimate[0]!.toUpperCase() + estimate.slice(1))}.`, '');
    if (m.steps.length) {
      out.push('```diff');
      for (const s of m.steps) {
        const w = stepWords(s);
        out.push(`${w.symbol} ${w.verb} ${visible(w.detail)}`);
      }
      out.push('```', '');
    }
    if (m.reasons.length) {
      out.push('Reasons:', '');
      for (const r of m.reasons) out.push(`- ${html(r)}`);
      out.push('');
    }
    out.push('</details>', '');
  }

  if (plan.warnings.length) {
    out.push('#### Warnings', '');
    for (const w of plan.warnings) out.push(`- **${w.code}** ${code(w.master)}: ${html(w.message)}`);
    out.push('');
  }

  const foot = [`plan ${code(plan.planId)}`];
  if (plan.git?.commit) foot.push(`commit ${code(plan.git.commit.slice(0, 12))}${plan.git.dirty ? ' (dirty)' : ''}`);
  if (plan.prefix) foot.push(`prefix ${code(plan.prefix)}`);
  out.push(`<sub>${foot.join(' · ')}</sub>`);
  return out.join('\n') + '\n';
}

function decisionLabel(m: MasterPlan): string {
  if (m.blocked) return 'blocked';
  if (m.decision === 'noop') return m.steps.length ? 'retention drops' : 'no changes';
  return m.decision.replace(/_/g, ' ');
}

function stepList(m: MasterPlan): string {
  if (!m.steps.length) return '—';
  return m.steps.map((s) => stepWords(s).verb).join(', ');
}
