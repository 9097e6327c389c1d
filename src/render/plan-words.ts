/** Words and symbols shared by the text and markdown plan renderers. */
import { assertNever } from '../errors.js';
import type { CompanionPlan, EmptyFill, FillEstimate, MasterPlan, Plan, PlanSummary, Step } from '../plan/types.js';
import { positionWords } from '../sources/position.js';
import { fmtDocs, fmtEta, fmtInt } from './progress-lines.js';

export type Tone = 'add' | 'change' | 'replace' | 'move' | 'remove' | 'data' | 'none' | 'blocked';

/** `+ create`, `~ in place`, `-/+ replace`, `→ activate`, `- drop` (terraform plan's vocabulary). */
export function masterHeadline(m: MasterPlan): { symbol: string; tone: Tone; text: string } {
  if (m.blocked) return { symbol: '!', tone: 'blocked', text: 'blocked by a conflict' };
  switch (m.decision) {
    case 'create': {
      const to = activatedTo(m);
      return { symbol: '+', tone: 'add', text: `create${to ? ` ${to}` : ''}` };
    }
    case 'noop': {
      const drops = m.steps.filter((s) => s.op === 'drop').length;
      if (drops > 0) return { symbol: '-', tone: 'remove', text: `retention: drop ${drops} inactive instance${drops === 1 ? '' : 's'}${m.active ? ` (${m.active} stays active)` : ''}` };
      return { symbol: '=', tone: 'none', text: `no changes${m.active ? ` (${m.active} is active)` : ''}` };
    }
    case 'catch_up_activate': {
      const to = activatedTo(m);
      return { symbol: '→', tone: 'move', text: `catch up and activate${to ? ` ${to}` : ''}` };
    }
    case 'in_place':
      return { symbol: '~', tone: 'change', text: `update ${m.active ?? 'the active instance'} in place` };
    case 'replace': {
      const to = activatedTo(m);
      return { symbol: '-/+', tone: 'replace', text: `replace ${m.active ?? 'the active instance'}${to ? ` with ${to}` : ''}` };
    }
    case 'adopt':
      return { symbol: '<=', tone: 'move', text: adoptHeadline(m) };
    default:
      return assertNever(m.decision, 'decision');
  }
}

export function stepWords(step: Step): { symbol: string; tone: Tone; verb: string; detail: string } {
  switch (step.op) {
    case 'create':
      return { symbol: '+', tone: 'add', verb: 'create', detail: step.index };
    case 'fill': {
      const how = `${step.mode}, ${step.via === 'reindex' ? 'server-side reindex' : 'from the source'}`;
      const why = step.reason ? `: ${step.reason}` : '';
      if (step.resume) {
        const { docs, total, position } = step.resume;
        const from = `${fmtInt(docs)}${total !== null ? ` / ${fmtInt(total)}` : ''}`;
        return { symbol: '>', tone: 'data', verb: 'resume fill', detail: `of ${step.index} from ${from} (${how}, after ${positionWords(position, fmtInt)})${why}` };
      }
      return { symbol: '>', tone: 'data', verb: 'fill', detail: `${step.index} (${how})${why}` };
    }
    case 'catch_up':
      return {
        symbol: '>',
        tone: 'data',
        verb: 'catch up',
        detail: `${step.index} (documents changed ${step.since ? `since ${step.since}` : 'since the fill started'})`,
      };
    case 'mark_filled':
      return { symbol: '>', tone: 'data', verb: 'mark filled', detail: `${step.index} (${emptyFillWords(step.why)})` };
    case 'prune':
      return { symbol: '-', tone: 'remove', verb: 'prune', detail: `${step.index} (delete the documents whose id the source no longer has)` };
    case 'wait':
      return {
        symbol: '…',
        tone: 'none',
        verb: 'wait',
        detail:
          step.health === 'green'
            ? `until ${step.index} is green (every primary and replica shard active; at most --wait-timeout)`
            : `until ${step.index} is yellow (every primary active: the cluster cannot place its replicas; at most --wait-timeout)`,
      };
    case 'activate':
      return { symbol: '→', tone: 'move', verb: 'activate', detail: `${step.alias}: ${step.from ?? '(none)'} → ${step.to}` };
    case 'in_place': {
      const parts: string[] = [];
      if (step.settings) parts.push(`PUT _settings ${Object.keys(step.settings).join(', ')}`);
      if (step.mappings) parts.push('PUT _mapping');
      if (!parts.length) parts.push('record the new fingerprint');
      return { symbol: '~', tone: 'change', verb: 'update', detail: `${step.index} in place (${parts.join('; ')})` };
    }
    case 'drop':
      return { symbol: '-', tone: 'remove', verb: 'drop', detail: `${step.index} (${step.reason})` };
    case 'adopt':
      return {
        symbol: '<=',
        tone: 'move',
        verb: 'adopt',
        detail:
          step.via === 'clone'
            ? `${step.index} as ${step.to ?? '?'} (block writes, _clone, remove ${step.index} and add the alias in one _aliases call, lift the block${step.resumes ? '; resumes an adoption that stopped before its swap' : ''})`
            : `${step.index} (write _meta.esm: ${step.number === 0 ? 'a foreign-named instance' : `instance ${step.number}`})`,
      };
    default:
      return assertNever(step, 'step');
  }
}

/** `adopt products_v3`, `adopt orders-3 and add the alias orders`, `adopt products as products-1 (writes refused for seconds)`. */
function adoptHeadline(m: MasterPlan): string {
  const step = m.steps.find((s) => s.op === 'adopt');
  if (!step || step.op !== 'adopt') return 'adopt';
  if (step.via === 'clone') return `adopt ${step.index} as ${step.to ?? '?'} (writes to ${step.index} refused for seconds while it is cloned)`;
  return activatedTo(m) ? `adopt ${step.index} and add the alias ${m.alias}` : `adopt ${step.index}`;
}

/** Why an instance counts as filled with nothing sent. */
export function emptyFillWords(why: EmptyFill): string {
  switch (why) {
    case 'no_source':
      return 'no source: nothing to fill, applications write through the alias';
    case 'nothing_to_reindex':
      return 'nothing to reindex from yet (no active instance): created empty';
    default:
      return assertNever(why, 'empty fill');
  }
}

/** `1 to create, 1 to fill, 0 to catch up, 1 to activate, 0 to update in place, 0 to drop` (`1 to prune` before `to activate` when there is one; the companions' counts when there are any) */
export function summaryWords(s: PlanSummary): string {
  // Only plans that adopt say so: the common summary keeps its words.
  const adopt = s.adopt ? [`${s.adopt} to adopt`] : [];
  // A plan file made before prune was a step has no count for it.
  const prune = s.prune ?? 0;
  const masters = [
    ...adopt,
    `${s.create} to create`,
    `${s.fill} to fill`,
    `${s.catch_up} to catch up`,
    ...(prune > 0 ? [`${prune} to prune`] : []),
    `${s.activate} to activate`,
    `${s.in_place} to update in place`,
    `${s.drop} to drop`,
  ].join(', ');
  const c = s.companions;
  if (!c) return masters;
  const companions = [`${c.create} to create`, `${c.update} to update`, ...(c.adopt ? [`${c.adopt} to adopt`] : []), `${c.delete} to delete`].join(', ');
  return `${masters}; companion objects: ${companions}`;
}

/** `+ create`, `~ update`, `= no changes`, `! orphan` … of a companion, and its kind and name for people. */
export function companionHeadline(c: CompanionPlan): { symbol: string; tone: Tone; text: string } {
  if (c.blocked) return { symbol: '!', tone: 'blocked', text: 'blocked: a same-named object esm does not own is in the way' };
  switch (c.action) {
    case 'create':
      return { symbol: '+', tone: 'add', text: 'create' };
    case 'update':
      return { symbol: '~', tone: 'change', text: c.changes.length ? `update (${c.changes.length} change${c.changes.length === 1 ? '' : 's'})` : 'update' };
    case 'adopt':
      return { symbol: '~', tone: 'change', text: "adopt (same content: marked as esm's)" };
    case 'noop':
      return { symbol: '=', tone: 'none', text: 'no changes' };
    case 'inline':
      return { symbol: '=', tone: 'none', text: c.usedBy.length ? `inlined into ${c.usedBy.join(', ')}` : 'inlined (no master uses it)' };
    case 'orphan':
      return { symbol: '?', tone: 'change', text: 'orphan: no manifest declares it any more (kept; --prune deletes it)' };
    case 'delete':
      return { symbol: '-', tone: 'remove', text: 'delete (no manifest declares it any more)' };
    default:
      return assertNever(c.action, 'companion action');
  }
}

/** `IngestPipeline movies-enrich (qa1_movies-enrich)`: the cluster's name when the prefix changes it. */
export function companionName(c: Pick<CompanionPlan, 'kind' | 'name' | 'id'>): string {
  return `${c.kind} ${c.name}${c.id !== c.name ? ` (${c.id})` : ''}`;
}

export const NO_CHANGES = 'No changes. Index masters match the manifests.';

/** The verdict of a plan with nothing to do: it does not claim a match the drift warnings deny. */
export function noChangesWords(plan: Plan): string {
  const drifted = new Set(plan.warnings.filter((w) => w.code === 'drift').map((w) => w.master)).size;
  if (drifted === 0) return NO_CHANGES;
  return `No changes to apply, but ${drifted} master${drifted === 1 ? "'s live index differs" : "s' live indices differ"} from the recorded definition (see the drift warning${drifted === 1 ? '' : 's'}).`;
}

export function blockedWords(count: number, companions = 0): string {
  const what = [
    count ? `${count} master${count === 1 ? '' : 's'}` : '',
    companions ? `${companions} companion object${companions === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  const are = count + companions === 1 ? 'is' : 'are';
  return `No changes can be made: ${what.join(' and ')} ${are} blocked by a conflict (see the ${count ? 'warnings' : 'companion objects'}).`;
}

function activatedTo(m: MasterPlan): string | null {
  for (const s of m.steps) if (s.op === 'activate') return s.to;
  return null;
}

/**
 * `the fill moves about 12,345 docs, about 3s at the last measured 4,100 docs/s`, or null without an
 * estimate. Of a cluster plan's master or an offline plan's (whose count comes from the history).
 */
export function fillEstimateWords(m: { fillEstimate?: FillEstimate | undefined }): string | null {
  const e = m.fillEstimate;
  if (!e) return null;
  const docs = `the fill moves about ${fmtDocs(e.docs)}`;
  if (e.seconds === null || e.docsPerSecond === null) return `${docs} (no fill rate of this master recorded yet)`;
  return `${docs}, about ${fmtEta(e.seconds)} at the last measured ${fmtInt(Math.round(e.docsPerSecond))} docs/s`;
}

/** `12,345 docs in movies-1`, or null when the plan does not know (no active instance, an older plan file). */
export function liveDocsWords(m: MasterPlan): string | null {
  return m.liveDocs !== undefined && m.liveDocs !== null && m.active ? `${fmtDocs(m.liveDocs)} in ${m.active}` : null;
}
