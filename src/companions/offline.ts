/**
 * `esm plan --offline`: companion objects at the base ref against the working tree (SPEC
 * §14), and the masters each change touches. No cluster: a synonym set's change is told
 * for both ways the engines take it. Pure.
 */
import { assertNever } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import type { OfflineCompanion } from '../plan/types.js';
import { canonicalBody } from './canonical.js';
import { bodyChanges } from './diff.js';
import { declaredFingerprint, specBody } from './plan.js';
import { environmentOf, resolveCompanion, resolveMaster, type ResolvedCompanion } from './resolve.js';
import { refKey, type Companion } from './types.js';

export function offlineCompanions(base: { masters: Manifest[]; companions: Companion[] }, head: { masters: Manifest[]; companions: Companion[] }): OfflineCompanion[] {
  const before = resolvedAll(base);
  const after = resolvedAll(head);
  const keys = [...new Set([...before.companions.keys(), ...after.companions.keys()])].sort();
  return keys.map((key) => {
    const a = before.companions.get(key);
    const b = after.companions.get(key);
    const c = (b ?? a)!;
    const masters = usersOf(key, b ? after : before);
    const baseFingerprint = a ? declaredFingerprint(a) : null;
    const headFingerprint = b ? declaredFingerprint(b) : null;
    const head = { kind: c.kind, name: c.name, baseFingerprint, headFingerprint, masters };
    if (!a) return { ...head, status: 'added', changes: [], reasons: [`new ${c.kind}: apply creates it${masters.length ? ` before ${masters.join(', ')}` : ''}`] };
    if (!b) return { ...head, status: 'removed', changes: [], reasons: ['no longer declared: an orphan, kept by apply (esm apply --prune deletes it)'] };
    if (baseFingerprint === headFingerprint) return { ...head, status: 'unchanged', changes: [], reasons: [] };
    const changes = bodyChanges(canonicalBody(a.kind, specBody(a)), canonicalBody(b.kind, specBody(b)));
    return { ...head, status: 'changed', changes, reasons: [...changes, ...effect(b, masters, after.masters)] };
  });
}

interface Resolved {
  masters: Manifest[];
  companions: Map<string, ResolvedCompanion>;
}

/** The manifests as an environment without a prefix sees them, synonym sets kept as references (no engine known). */
function resolvedAll(set: { masters: Manifest[]; companions: Companion[] }): Resolved {
  const env = environmentOf('', set.companions, null);
  return { masters: set.masters.map((m) => resolveMaster(m, env)), companions: new Map(set.companions.map((c) => [refKey(c), resolveCompanion(c, env)])) };
}

/** Masters that name the companion, or name a companion that names it. */
function usersOf(key: string, r: Resolved): string[] {
  const users = new Set<string>();
  const seen = new Set<string>();
  const visit = (k: string) => {
    if (seen.has(k)) return;
    seen.add(k);
    for (const m of r.masters) if ((m.uses ?? []).some((u) => refKey(u) === k)) users.add(m.name);
    for (const c of r.companions.values()) if (c.uses.some((u) => refKey(u) === k)) visit(refKey(c));
  };
  visit(key);
  return [...users].sort();
}

function effect(c: ResolvedCompanion, masters: string[], all: readonly Manifest[]): string[] {
  const who = masters.length ? masters.join(', ') : 'no master';
  switch (c.kind) {
    case 'IngestPipeline': {
      const refill = all.filter((m) => masters.includes(m.name) && m.spec.refillOnPipelineChange).map((m) => m.name);
      return [
        `documents indexed through it after apply (${who}) go through the new version`,
        ...(refill.length ? [`spec.refillOnPipelineChange: apply fills the active instance of ${refill.join(', ')} again`] : []),
      ];
    }
    case 'SynonymSet':
      return [
        `where the cluster has the synonyms API (Elasticsearch 8.10+): changed in place, the search analyzers of ${who} reload; elsewhere (OpenSearch, older Elasticsearch) its rules are inlined: ${masters.length ? `${who} get a new instance` : 'no master uses it'}`,
      ];
    case 'IndexTemplate':
    case 'ComponentTemplate':
      return ['applies to indices created after apply; existing indices are not changed'];
    case 'StoredScript':
      return masters.length ? [`used from then on by ${who}`] : [];
    default:
      return assertNever(c, 'companion');
  }
}
