/**
 * `esm plan --offline`: which masters would need a new instance, from the
 * manifests alone (base ref vs working tree). Pure, like createPlan.
 */
import type { Manifest, MasterSpec } from '../manifest/types.js';
import { deepEqual } from '../fingerprint/canonical-value.js';
import { addsDataFields, describeChange, describeChangeInReplace, diffSpecs } from './diff.js';
import { fillEstimate } from './fill-estimate.js';
import type { PlanHistory } from './inputs.js';
import type { OfflineMaster, OfflinePlan } from './types.js';

const OTHER_SPEC_PARTS = ['source', 'idField', 'updatedField', 'activation', 'retention'] as const satisfies readonly (keyof MasterSpec)[];

export interface OfflineOptions {
  baseRef?: string;
  baseCommit?: string | null;
  head?: { commit: string | null; dirty: boolean } | null;
  /**
   * The history (state file) the document counts come from: `file` as the user named it, and
   * what it recorded (null: missing or unreadable, so no counts). Absent: no history asked for.
   */
  history?: { file: string; view: Pick<PlanHistory, 'lastFills' | 'fillRates'> | null } | null;
}

export function planOffline(base: Manifest[], head: Manifest[], opts: OfflineOptions = {}): OfflinePlan {
  const before = new Map(base.map((m) => [m.name, m]));
  const after = new Map(head.map((m) => [m.name, m]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const view = opts.history?.view ?? null;
  const masters = names.map((name) => withRecordedDocs(compareMaster(name, before.get(name), after.get(name)), view));
  const count = (f: (m: OfflineMaster) => boolean) => masters.filter(f).length;
  return {
    formatVersion: 1,
    kind: 'offline',
    baseRef: opts.baseRef ?? null,
    baseCommit: opts.baseCommit ?? null,
    head: opts.head ?? null,
    history: opts.history ? { file: opts.history.file, read: view !== null } : null,
    masters,
    summary: {
      added: count((m) => m.status === 'added'),
      removed: count((m) => m.status === 'removed'),
      changed: count((m) => m.status === 'changed'),
      unchanged: count((m) => m.status === 'unchanged'),
      in_place: count((m) => m.verdict === 'in_place'),
      replace: count((m) => m.verdict === 'replace'),
      newInstances: count((m) => m.newInstance),
    },
  };
}

/** What the history recorded of the master's documents and, for a replace, the fill that follows from it. */
function withRecordedDocs(m: Omit<OfflineMaster, 'recordedDocs'>, view: Pick<PlanHistory, 'lastFills' | 'fillRates'> | null): OfflineMaster {
  const recordedDocs = view?.lastFills?.[m.name] ?? null;
  if (!recordedDocs || m.verdict !== 'replace') return { ...m, recordedDocs };
  return { ...m, recordedDocs, fillEstimate: fillEstimate(recordedDocs.docs, view?.fillRates?.[m.name]) };
}

function compareMaster(name: string, a: Manifest | undefined, b: Manifest | undefined): Omit<OfflineMaster, 'recordedDocs'> {
  const fpA = a?.fingerprint ?? null;
  const fpB = b?.fingerprint ?? null;
  if (!a) {
    return { name, status: 'added', baseFingerprint: null, headFingerprint: fpB, verdict: null, newInstance: true, reasons: ['new master: apply creates its first instance'] };
  }
  if (!b) {
    return {
      name,
      status: 'removed',
      baseFingerprint: fpA,
      headFingerprint: null,
      verdict: null,
      newInstance: false,
      reasons: ['no longer declared: its indices become orphans, which apply never deletes'],
    };
  }
  const others = OTHER_SPEC_PARTS.filter((k) => !deepEqual(a.spec[k], b.spec[k])).map((k) => `spec.${k} changed (no new instance needed for it)`);
  if (fpA === fpB) {
    return { name, status: 'unchanged', baseFingerprint: fpA, headFingerprint: fpB, verdict: null, newInstance: false, reasons: others };
  }
  const diff = diffSpecs(specOf(a), specOf(b));
  const replace = diff.verdict === 'replace';
  const head = replace
    ? 'needs a new instance: some changes cannot be made in place'
    : diff.verdict === 'same'
      ? 'equivalent settings and mappings written differently: the recorded fingerprint is updated in place'
      : 'the engine can take every change in place';
  const ordered = [...diff.changes.filter((c) => !c.inPlace), ...diff.changes.filter((c) => c.inPlace)];
  return {
    name,
    status: 'changed',
    baseFingerprint: fpA,
    headFingerprint: fpB,
    verdict: replace ? 'replace' : 'in_place',
    newInstance: replace,
    reasons: [head, ...ordered.map(replace ? describeChangeInReplace : describeChange), ...(!replace && addsDataFields(diff) ? [refillReason(b)] : []), ...others],
  };
}

/** As the cluster plan says it (plan/decide.ts): an in-place field addition leaves existing documents without values. */
function refillReason(m: Manifest): string {
  return m.spec.source
    ? 'existing documents get values for new fields only when re-sent: apply fills the active instance again (full) after the mapping update'
    : 'existing documents get no value for the new fields: the manifest has no spec.source to re-send them from';
}

function specOf(m: Manifest): { settings: Record<string, unknown>; mappings: Record<string, unknown> } {
  return { settings: m.spec.settings, mappings: m.spec.mappings };
}
