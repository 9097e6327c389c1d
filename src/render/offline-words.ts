/** Words shared by the offline plan renderers. */
import { assertNever } from '../errors.js';
import type { OfflineCompanion, OfflineMaster, OfflinePlan } from '../plan/types.js';
import type { Tone } from './plan-words.js';
import { fmtDocs } from './progress-lines.js';

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

export function offlineCompanionHeadline(c: OfflineCompanion): { symbol: string; tone: Tone; text: string } {
  switch (c.status) {
    case 'added':
      return { symbol: '+', tone: 'add', text: 'added: apply creates it' };
    case 'removed':
      return { symbol: '-', tone: 'remove', text: 'removed from the manifests (an orphan, kept unless --prune)' };
    case 'unchanged':
      return { symbol: '=', tone: 'none', text: 'unchanged' };
    case 'changed':
      return { symbol: '~', tone: 'change', text: `changed (${c.changes.length} path${c.changes.length === 1 ? '' : 's'})` };
    default:
      return assertNever(c.status, 'offline status');
  }
}

export function offlineSummaryWords(plan: OfflinePlan): string {
  const s = plan.summary;
  const companions = (plan.companions ?? []).filter((c) => c.status !== 'unchanged');
  const also = companions.length ? `; ${companions.length} companion object${companions.length === 1 ? '' : 's'} added, changed or removed` : '';
  if (s.added + s.removed + s.changed === 0) {
    return companions.length
      ? `No master changes; ${companions.length} companion object${companions.length === 1 ? '' : 's'} added, changed or removed since ${plan.baseRef ?? 'the base'}.`
      : `No changes. The manifests' settings and mappings match ${plan.baseRef ?? 'the base'}.`;
  }
  return `Offline plan: ${s.added} added, ${s.changed} changed (${s.replace} need${s.replace === 1 ? 's' : ''} a new instance, ${s.in_place} in place), ${s.removed} removed, ${s.unchanged} unchanged; ${s.newInstances} new instance${s.newInstances === 1 ? '' : 's'} in all${also}.`;
}

/** `base 0123456789ab (origin/main) → head fedcba987654 + uncommitted changes`: the commits compared. */
export function offlineCommitsWords(plan: OfflinePlan): string {
  const short = (sha: string) => sha.slice(0, 12);
  const base = `base ${plan.baseCommit ? `${short(plan.baseCommit)}${plan.baseRef && !plan.baseCommit.startsWith(plan.baseRef) ? ` (${plan.baseRef})` : ''}` : (plan.baseRef ?? 'unknown')}`;
  const h = plan.head;
  const head = `head ${h?.commit ? short(h.commit) : 'the working tree'}${h?.dirty ? ' + uncommitted changes' : ''}`;
  return `${base} → ${head}`;
}

/**
 * `document counts from the history (.esm/state.sqlite)`, `no history (…): no document counts`, or
 * null when the plan was made without asking for one. `file` formats the file's name (escaping).
 */
export function offlineHistoryWords(plan: Pick<OfflinePlan, 'history'>, file: (name: string) => string): string | null {
  const h = plan.history;
  if (!h) return null;
  return h.read ? `document counts from the history (${file(h.file)})` : `no history (${file(h.file)}): no document counts`;
}

/** `12,000 docs in movies-3 at its last fill (history, 2026-11-30)`, or null when the history records none. */
export function recordedDocsWords(m: Pick<OfflineMaster, 'recordedDocs'>): string | null {
  const r = m.recordedDocs;
  return r ? `${fmtDocs(r.docs)} in ${r.instance} at its last fill (history, ${r.at.slice(0, 10)})` : null;
}
