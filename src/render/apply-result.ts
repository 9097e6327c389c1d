/** What `esm apply` prints when it is done: a few lines for people, or the JSON result document. */
import type { ApplyResult, CompanionResult, MasterResult, StepResult } from '../apply/executor.js';
import { paint } from './ansi.js';
import { fmtDocs, fmtDuration } from './progress-lines.js';

export function renderApplyText(result: ApplyResult, opts: { color: boolean; noActivate?: boolean }): string {
  const p = paint(opts.color);
  const lines: string[] = [];
  const failed = result.masters.filter((m) => !m.ok);
  const companions = result.companions ?? [];
  const companionsFailed = companions.filter((c) => c.status === 'failed').length;
  const changed = [
    result.masters.length || !companions.length ? count(result.masters.length, 'master') : '',
    companions.length ? count(companions.filter((c) => c.status === 'done').length, 'companion object') : '',
  ].filter(Boolean);
  if (result.ok) {
    const what = opts.noActivate ? 'Pre-deployment apply complete (no alias moved)' : 'Apply complete';
    lines.push(p.green(`${what}: ${changed.join(' and ')} changed.`));
  } else {
    const parts = [failed.length ? `${failed.length} of ${count(result.masters.length, 'master')}` : '', companionsFailed ? count(companionsFailed, 'companion object') : '']
      .filter(Boolean)
      .join(' and ');
    lines.push(p.red(`Apply failed: ${parts || 'some steps'} did not complete.`));
  }
  for (const c of companions) lines.push(`  ${companionLine(c, p.red)}`);
  for (const m of result.masters) lines.push(`  ${masterLine(m, p.red)}`);
  if (opts.noActivate && failed.length === 0 && result.masters.some((m) => m.steps.some((s) => s.status === 'skipped'))) {
    lines.push('Run "esm apply" after the deployment to catch up and activate the new instances.');
  }
  return `${lines.join('\n')}\n`;
}

function masterLine(m: MasterResult, red: (s: string) => string): string {
  const done = m.steps.filter((s) => s.status === 'done').map(stepText);
  const failed = m.steps.find((s) => s.status === 'failed');
  const skipped = m.steps.filter((s) => s.status === 'skipped');
  const parts = done.length || failed ? [...done] : ['nothing done'];
  if (failed) parts.push(red(`FAILED ${stepText(failed)}: ${failed.error ?? 'unknown error'}`));
  const notRun = skipped.map((s) => `${s.op} ${s.index}`).join(', ');
  if (skipped.length) parts.push(failed ? `not run: ${notRun}` : `skipped ${notRun} (${skipped[0]!.reason})`);
  return `${m.name}: ${parts.join('; ')}`;
}

function companionLine(c: CompanionResult, red: (s: string) => string): string {
  const what = `${c.kind} ${c.id}: ${c.action}`;
  if (c.status === 'failed') return red(`${what} FAILED: ${c.error ?? 'unknown error'}`);
  if (c.status === 'skipped') return `${what} skipped (${c.reason ?? ''})`;
  return `${what} done`;
}

function stepText(s: StepResult): string {
  const docs = s.docs !== undefined ? ` (${fmtDocs(s.docs)}${s.op === 'prune' ? ' deleted' : ''})` : s.writeBlockedMs !== undefined ? ` (writes refused for ${fmtDuration(s.writeBlockedMs)})` : '';
  const verb = s.op === 'catch_up' ? 'catch up' : s.op === 'in_place' ? 'update in place' : s.op === 'wait' ? 'wait for' : s.op;
  return `${verb} ${s.index}${docs}`;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The `--json` document: `{ planId, masters: [ { name, ok, steps: [ { op, index, status, docs?, error? } ] } ],
 * companions?: [ { kind, name, id, action, status, error?, reason? } ], ok }`.
 */
export function applyResultJson(result: ApplyResult): unknown {
  return {
    planId: result.planId,
    ...(result.companions
      ? {
          companions: result.companions.map((c) => ({
            kind: c.kind,
            name: c.name,
            id: c.id,
            action: c.action,
            status: c.status,
            ...(c.error !== undefined ? { error: c.error } : {}),
            ...(c.reason !== undefined ? { reason: c.reason } : {}),
          })),
        }
      : {}),
    masters: result.masters.map((m) => ({
      name: m.name,
      ok: m.ok,
      steps: m.steps.map((s) => ({
        op: s.op,
        index: s.index,
        status: s.status,
        ...(s.docs !== undefined ? { docs: s.docs } : {}),
        ...(s.error !== undefined ? { error: s.error } : {}),
        ...(s.reason !== undefined ? { reason: s.reason } : {}),
        ...(s.writeBlockedMs !== undefined ? { writeBlockedMs: Math.round(s.writeBlockedMs) } : {}),
      })),
      ...(m.error !== undefined ? { error: m.error } : {}),
    })),
    ok: result.ok,
  };
}

/**
 * One line for stderr when some master failed (the exit-1 message). The errors
 * themselves are in the result (and the progress) already: this names where.
 */
export function failureMessage(result: ApplyResult, opts: { interrupted?: boolean } = {}): string {
  const failed = result.masters.filter((m) => !m.ok);
  const companions = (result.companions ?? []).filter((c) => c.status === 'failed').map((c) => `${c.kind} ${c.id} (${c.action}: ${firstLine(c.error ?? 'unknown error')})`);
  const each = failed.map((m) => {
    const step = m.steps.find((s) => s.status === 'failed');
    return step ? `${m.name} (${step.op} ${step.index}: ${firstLine(step.error ?? 'unknown error')})` : `${m.name} (interrupted)`;
  });
  if (opts.interrupted) {
    return `interrupted: the apply stopped before finishing ${each.join('; ') || 'its steps'}; what completed is kept and recorded, unfinished actions are recorded as aborted, and the aliases of unfinished masters stay where they were. Run esm apply again to resume`;
  }
  return `apply failed for ${[...companions, ...each].join('; ')}. The aliases of failed masters stay where they were; run esm plan to see what remains`;
}

/**
 * An error shortened to its first clause, for the one-line summary. A long one is cut
 * between words and outside brackets, never inside a name (`field [process.io.text]`).
 */
export function firstLine(error: string, max = 160): string {
  const head = error.split('\n')[0]!.split('; ')[0]!;
  if (head.length <= max) return head;
  let depth = 0;
  let cut = -1;
  for (let i = 0; i < head.length && i < max; i++) {
    const c = head[i];
    if (c === '[') depth++;
    else if (c === ']' && depth > 0) depth--;
    else if (c === ' ' && depth === 0) cut = i;
  }
  return cut > 0 ? `${head.slice(0, cut)} …` : head;
}
