/**
 * What a saved plan was made from, on the state side: a hash of masters and
 * instances (not actions). Pure, so a plan with no state file needs no sql.js.
 */
import { createHash } from 'node:crypto';
import { stableJson } from '../fingerprint/canonical-value.js';
import type { HistoryView } from './types.js';

/** sha256 (hex) of the view's masters and instances. */
export function stateHashOf(view: Pick<HistoryView, 'masters' | 'instances'>): string {
  const { masters, instances } = view;
  const data = {
    masters: masters.map((m) => ({ name: m.name, alias: m.alias, activeInstance: m.activeInstance })),
    instances: instances.map((i) => ({
      name: i.name,
      master: i.master,
      number: i.number,
      fingerprint: i.fingerprint,
      createdAt: i.createdAt,
      commit: i.commit,
      filledAt: i.filledAt,
      lastUpdateAt: i.lastUpdateAt,
      dropped: i.dropped,
    })),
  };
  return createHash('sha256').update(stableJson(data)).digest('hex');
}

/** A state file that does not exist yet: nothing recorded. */
export function emptyHistoryView(): HistoryView {
  return { masters: [], instances: [], maxNumber: {}, fillRates: {}, lastFills: {}, unfinishedFills: {}, companions: [] };
}
