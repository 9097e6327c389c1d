/**
 * What a companion's change means for the masters that use it (SPEC §12), added to
 * their plans: a pipeline change takes effect for documents indexed afterwards, and
 * with `spec.refillOnPipelineChange` the active instance is filled again; a synonym set
 * changes in place where the cluster has the synonyms API, and where its rules are
 * inlined the master's replace says it is the set that changed. Pure.
 */
import type { Manifest } from '../manifest/types.js';
import { isRecord } from '../fingerprint/canonical-value.js';
import { refKey } from '../companions/types.js';
import type { MasterState } from './instances.js';
import { reindexFrom } from './naming.js';
import type { CompanionPlan, MasterPlan, Step } from './types.js';

/** The master's plan with what its companions' changes mean for it. */
export function withCompanionEffects(mp: MasterPlan, manifest: Manifest, state: MasterState, companions: readonly CompanionPlan[]): MasterPlan {
  const uses = (manifest.uses ?? []).map(refKey);
  if (uses.length === 0) return mp;
  const byKey = new Map(companions.map((c) => [`${c.kind}/${c.name}`, c]));
  const out: MasterPlan = { ...mp, uses, reasons: [...mp.reasons], steps: [...mp.steps] };

  const pipelines = changedPipelines(uses, byKey);
  if (pipelines.length && mp.active && !mp.blocked && (mp.decision === 'noop' || mp.decision === 'in_place')) {
    const names = pipelines.map((c) => c.id).join(', ');
    const refill = manifest.spec.refillOnPipelineChange ? refillStep(manifest, state, mp.active) : null;
    if (refill && 'step' in refill) {
      if (!out.steps.some((s) => s.op === 'fill' && s.index === mp.active)) {
        // After an in-place update, before the retention drops.
        const at = out.steps.findIndex((s) => s.op === 'drop');
        out.steps.splice(at === -1 ? out.steps.length : at, 0, refill.step);
      }
      out.decision = 'in_place';
      out.reasons.push(`ingest pipeline ${names} changes and spec.refillOnPipelineChange is set: every document of ${mp.active} is sent through it again`);
    } else if (refill) {
      out.reasons.push(`ingest pipeline ${names} changes, and spec.refillOnPipelineChange cannot re-send the documents: ${refill.why}`);
    } else {
      out.reasons.push(
        `ingest pipeline ${names} changes: documents indexed from now on go through the new version, those in ${mp.active} are not re-sent (spec.refillOnPipelineChange: true would)`,
      );
    }
  }

  for (const c of companions) {
    if (c.kind !== 'SynonymSet' || !uses.includes(`${c.kind}/${c.name}`)) continue;
    if (c.synonyms === 'api' && (c.action === 'update' || c.action === 'create') && mp.active) {
      out.reasons.push(`synonym set ${c.id} changes in place (synonyms reload): the search analyzers of ${mp.active} that use it (updateable: true) reload, no new instance`);
    }
  }
  for (const inlined of manifest.inlined ?? []) {
    if (!state.active || mp.decision !== 'replace') continue;
    const live = filterRules(state.active.index.settings, inlined.filter);
    const set = byKey.get(`SynonymSet/${inlined.set}`);
    const desired = filterRules(manifest.spec.settings, inlined.filter);
    if (live !== null && desired !== null && live.join('\n') !== desired.join('\n')) {
      out.reasons.unshift(
        `synonym set ${inlined.set} changed: its rules are inlined into ${mp.active}'s analysis (filter ${inlined.filter})${set?.reasons[0] ? `, because ${reasonHead(set.reasons[0])}` : ''}, so a new instance is needed`,
      );
    }
  }
  return out;
}

/** Pipelines the master uses (and the pipelines they call) that apply creates or changes. */
function changedPipelines(uses: readonly string[], byKey: ReadonlyMap<string, CompanionPlan>): CompanionPlan[] {
  const seen = new Set<string>();
  const out: CompanionPlan[] = [];
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const c = byKey.get(key);
    if (!c || c.kind !== 'IngestPipeline') return;
    if (c.action === 'create' || (c.action === 'update' && c.changes.length > 0)) out.push(c);
    for (const d of c.dependsOn) visit(d);
  };
  for (const u of uses) visit(u);
  return out;
}

/** A full fill of the active instance from the master's source, or why there is none. */
function refillStep(manifest: Manifest, state: MasterState, active: string): { step: Step } | { why: string } {
  const source = manifest.spec.source;
  if (!source) return { why: 'the master has no source' };
  const reason = 'an ingest pipeline it uses changed (refillOnPipelineChange)';
  if (source.type !== 'reindex') return { step: { op: 'fill', index: active, mode: 'full', via: 'source', reason } };
  const from = reindexFrom(source, state.prefix, active);
  if (from === null || from === active) return { why: 'its source reindexes from the active instance itself' };
  return { step: { op: 'fill', index: active, mode: 'full', via: 'reindex', from, reason } };
}

/** `analysis.filter.<filter>.synonyms` of index settings (nested, as the engine returns them, or dotted). */
function filterRules(settings: Record<string, unknown>, filter: string): string[] | null {
  const index = isRecord(settings['index']) ? settings['index'] : settings;
  const nested = get(index, ['analysis', 'filter', filter, 'synonyms']) ?? get(settings, ['analysis', 'filter', filter, 'synonyms']);
  const value = nested ?? settings[`analysis.filter.${filter}.synonyms`] ?? settings[`index.analysis.filter.${filter}.synonyms`];
  return Array.isArray(value) ? value.map(String) : null;
}

function get(v: unknown, path: string[]): unknown {
  for (const p of path) {
    if (!isRecord(v)) return undefined;
    v = v[p];
  }
  return v;
}

/** The first clause of a reason: `OpenSearch 2.19.6 has no synonyms API (…)`. */
function reasonHead(reason: string): string {
  return reason.split(': ')[0]!;
}

