/** Words shared by the offline plan renderers. */
import { assertNever } from '../errors.js';
import type { OfflineMaster, OfflinePlan } from '../plan/types.js';
import type { Tone } from './plan-words.js';

export function offlineHeadline(m: OfflineMaster): { symbol: string; tone: Tone; text: string } {
  switch (m.status) {
    case 'added':
      return { symbol: '+', tone: 'add', text: 'added: a first instance will be created' };
    case 'removed':
      return { symbol: '-', tone: 'remove', text: 'removed from the manifests (its indices become orphans)' };
    case 'unchanged':
      return { symbol: '=', tone: 'none', text: 'settings and mappings unchanged' };
    case 'changed':
      return m.verdict === 'replace'
        ? { symbol: '-/+', tone: 'replace', text: 'changed: needs a new instance' }
        : { symbol: '~', tone: 'change', text: 'changed: can be updated in place' };
    default:
      return assertNever(m.status, 'offline status');
  }
}

export function offlineSummaryWords(plan: OfflinePlan): string {
  const s = plan.summary;
  if (s.added + s.removed + s.changed === 0) return `No changes. The manifests' settings and mappings match ${plan.baseRef ?? 'the base'}.`;
  return `Offline plan: ${s.added} added, ${s.changed} changed (${s.replace} need${s.replace === 1 ? 's' : ''} a new instance, ${s.in_place} in place), ${s.removed} removed, ${s.unchanged} unchanged; ${s.newInstances} new instance${s.newInstances === 1 ? '' : 's'} in all.`;
}

/** `base 0123456789ab (origin/main) → head fedcba987654 + uncommitted changes`: the commits compared. */
export function offlineCommitsWords(plan: OfflinePlan): string {
  const short = (sha: string) => sha.slice(0, 12);
  const base = `base ${plan.baseCommit ? `${short(plan.baseCommit)}${plan.baseRef && !plan.baseCommit.startsWith(plan.baseRef) ? ` (${plan.baseRef})` : ''}` : (plan.baseRef ?? 'unknown')}`;
  const h = plan.head;
  const head = `head ${h?.commit ? short(h.commit) : 'the working tree'}${h?.dirty ? ' + uncommitted changes' : ''}`;
  return `${base} → ${head}`;
}
