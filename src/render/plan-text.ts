/** `esm plan` for people, in the manner of `terraform plan`. ANSI colour only when asked for. */
import { assertNever } from '../errors.js';
import { dynamicFieldsReason } from '../plan/dynamic-fields.js';
import { hasChanges, isBlocked, type Plan, type PlanWarning } from '../plan/types.js';
import { paint, type Paint } from './ansi.js';
import { clusterWords } from './cluster-words.js';
import { visible as v } from '../visible.js';
import {
  blockedWords,
  companionHeadline,
  companionName,
  fillEstimateWords,
  liveDocsWords,
  masterHeadline,
  NO_CHANGES,
  noChangesWords,
  stepWords,
  summaryWords,
  type Tone,
} from './plan-words.js';
import { fmtDocs } from './progress-lines.js';

export function renderPlanText(plan: Plan, opts: { color: boolean }): string {
  const p = paint(opts.color);
  const lines: string[] = [];
  if (plan.cluster) lines.push(p.dim(v(clusterWords(plan.cluster))));
  if (plan.prefix) lines.push(p.dim(`environment prefix: ${v(plan.prefix)}`));
  if (plan.cluster || plan.prefix) lines.push('');

  // Companions first: apply writes them before the masters that use them.
  const companions = plan.companions ?? [];
  if (companions.length) {
    lines.push(p.bold('Companion objects:'));
    if (plan.synonyms) lines.push(p.dim(`  synonym sets ${plan.synonyms.path === 'api' ? 'go through the synonyms API' : 'are inlined into the masters’ analysis'}: ${v(plan.synonyms.reason)}`));
    for (const c of companions) {
      const head = companionHeadline(c);
      if ((c.action === 'noop' || c.action === 'inline') && !c.blocked) {
        lines.push(p.dim(`  ${head.symbol} ${v(companionName(c))}: ${v(head.text)}`));
        continue;
      }
      lines.push(`  ${tone(p, head.tone)(head.symbol)} ${p.bold(v(companionName(c)))}: ${v(head.text)}`);
      for (const r of c.reasons) lines.push(p.dim(`      # ${v(r)}`));
    }
    lines.push('');
  }

  const changing = plan.masters.filter((m) => m.steps.length > 0 || m.blocked);
  const unchanged = plan.masters.filter((m) => m.steps.length === 0 && !m.blocked);
  for (const m of changing) {
    const head = masterHeadline(m);
    lines.push(`${tone(p, head.tone)(head.symbol)} ${p.bold(v(m.name))}: ${v(head.text)}`);
    const size = [liveDocsWords(m), fillEstimateWords(m)].filter((x) => x !== null).join('; ');
    if (size) lines.push(p.dim(`    docs: ${v(size)}`));
    for (const r of m.reasons) lines.push(p.dim(`    # ${v(r)}`));
    const width = Math.max(0, ...m.steps.map((s) => stepWords(s).verb.length));
    for (const s of m.steps) {
      const w = stepWords(s);
      lines.push(`    ${tone(p, w.tone)(w.symbol)} ${w.verb.padEnd(width)} ${v(w.detail)}`);
    }
    lines.push('');
  }
  for (const m of unchanged) {
    const head = masterHeadline(m);
    const live = m.liveDocs !== undefined && m.liveDocs !== null ? `, ${fmtDocs(m.liveDocs)}` : '';
    lines.push(p.dim(`${head.symbol} ${v(m.name)}: ${v(head.text)}${live}`));
    if (m.dynamicFields?.length) lines.push(p.dim(`    # ${v(dynamicFieldsReason(m.dynamicFields))}`));
  }
  if (unchanged.length) lines.push('');

  if (plan.warnings.length) {
    lines.push(p.bold('Warnings:'));
    for (const w of plan.warnings) lines.push(`  ${warningColor(p, w)(`! ${w.code}`)} ${v(w.master)}: ${v(w.message)}`);
    lines.push('');
  }

  if (hasChanges(plan)) lines.push(`${p.bold('Plan:')} ${summaryWords(plan.summary)}.`);
  else if (isBlocked(plan)) lines.push(p.yellow(blockedWords(plan.masters.filter((m) => m.blocked).length, companions.filter((c) => c.blocked).length)));
  else {
    const words = noChangesWords(plan);
    lines.push(words === NO_CHANGES ? p.green(words) : p.yellow(words));
  }
  return lines.join('\n') + '\n';
}

export function tone(p: Paint, t: Tone): (s: string) => string {
  switch (t) {
    case 'add':
      return p.green;
    case 'change':
      return p.yellow;
    case 'replace':
      return p.magenta;
    case 'move':
      return p.cyan;
    case 'remove':
      return p.red;
    case 'data':
      return p.blue;
    case 'none':
      return p.dim;
    case 'blocked':
      return p.red;
    default:
      return assertNever(t, 'tone');
  }
}

function warningColor(p: Paint, w: PlanWarning): (s: string) => string {
  switch (w.code) {
    case 'conflict':
      return p.red;
    case 'drift':
    case 'orphan':
    case 'template_conflict':
    case 'replicas':
      return p.yellow;
    default:
      return assertNever(w.code, 'warning code');
  }
}
