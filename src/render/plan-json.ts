/**
 * `esm plan --json`: the SPEC §7 shape with a stable key order, pretty-printed
 * with 2 spaces (no trailing newline). Keys the shape does not name are kept,
 * after the known ones, sorted.
 */
import type { OfflinePlan, Plan } from '../plan/types.js';

const PLAN_KEYS = ['formatVersion', 'planId', 'createdAt', 'git', 'base', 'prefix', 'cluster', 'synonyms', 'masters', 'companions', 'warnings', 'summary'];
const COMPANION_KEYS = ['kind', 'name', 'id', 'action', 'blocked', 'synonyms', 'usedBy', 'dependsOn', 'changes', 'reasons', 'fingerprint', 'body', 'origin'];
const COMPANION_SUMMARY_KEYS = ['create', 'update', 'adopt', 'delete', 'noop', 'orphan'];
const CLUSTER_KEYS = ['name', 'engine', 'version'];
const GIT_KEYS = ['commit', 'branch', 'dirty'];
const BASE_KEYS = ['stateHash', 'clusterHash'];
const MASTER_KEYS = ['name', 'alias', 'fingerprint', 'engineFingerprint', 'active', 'decision', 'blocked', 'steps', 'reasons', 'uses', 'dynamicFields', 'instances', 'spec', 'origin'];
const STEP_KEYS = ['op', 'alias', 'index', 'number', 'mode', 'via', 'since', 'from', 'to', 'health', 'resume', 'resumes', 'settings', 'mappings', 'why', 'reason'];
const INSTANCE_KEYS = ['name', 'number', 'foreign'];
const RESUME_KEYS = ['docs', 'total', 'startedAt', 'position'];
const WARNING_KEYS = ['code', 'master', 'message'];
const SUMMARY_KEYS = ['create', 'fill', 'catch_up', 'prune', 'activate', 'in_place', 'drop', 'noop', 'adopt'];

export function renderPlanJson(plan: Plan): string {
  const value = ordered(plan, PLAN_KEYS, {
    git: (g) => (g === null ? null : ordered(g, GIT_KEYS)),
    base: (b) => ordered(b, BASE_KEYS),
    cluster: (c) => ordered(c, CLUSTER_KEYS),
    masters: (ms) =>
      (ms as unknown[]).map((m) =>
        ordered(m, MASTER_KEYS, {
          steps: (ss) => (ss as unknown[]).map((s) => ordered(s, STEP_KEYS, { resume: (r) => ordered(r, RESUME_KEYS) })),
          instances: (is) => (is as unknown[]).map((i) => ordered(i, INSTANCE_KEYS)),
        }),
      ),
    companions: (cs) => (cs as unknown[]).map((c) => ordered(c, COMPANION_KEYS)),
    warnings: (ws) => (ws as unknown[]).map((w) => ordered(w, WARNING_KEYS)),
    summary: (s) => ordered(s, SUMMARY_KEYS, { companions: (c) => ordered(c, COMPANION_SUMMARY_KEYS) }),
  });
  return JSON.stringify(value, null, 2);
}

const OFFLINE_KEYS = ['formatVersion', 'kind', 'baseRef', 'history', 'masters', 'companions', 'summary'];
const OFFLINE_COMPANION_KEYS = ['kind', 'name', 'status', 'baseFingerprint', 'headFingerprint', 'masters', 'changes', 'reasons'];
const OFFLINE_MASTER_KEYS = ['name', 'status', 'baseFingerprint', 'headFingerprint', 'verdict', 'newInstance', 'recordedDocs', 'fillEstimate', 'reasons'];
const OFFLINE_HISTORY_KEYS = ['file', 'read'];
const RECORDED_KEYS = ['instance', 'docs', 'at'];
const ESTIMATE_KEYS = ['docs', 'seconds', 'docsPerSecond'];
const OFFLINE_SUMMARY_KEYS = ['added', 'removed', 'changed', 'unchanged', 'in_place', 'replace', 'newInstances'];

export function renderOfflinePlanJson(plan: OfflinePlan): string {
  const value = ordered(plan, OFFLINE_KEYS, {
    history: (h) => ordered(h, OFFLINE_HISTORY_KEYS),
    masters: (ms) =>
      (ms as unknown[]).map((m) =>
        ordered(m, OFFLINE_MASTER_KEYS, { recordedDocs: (r) => ordered(r, RECORDED_KEYS), fillEstimate: (e) => ordered(e, ESTIMATE_KEYS) }),
      ),
    companions: (cs) => (cs as unknown[]).map((c) => ordered(c, OFFLINE_COMPANION_KEYS)),
    summary: (s) => ordered(s, OFFLINE_SUMMARY_KEYS),
  });
  return JSON.stringify(value, null, 2);
}

type Transform = (v: unknown) => unknown;

/** A copy of `obj` with `keys` first (those present), then the other keys sorted; `inner` rewrites some values. */
function ordered(obj: unknown, keys: string[], inner: Record<string, Transform> = {}): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return obj;
  const src = obj as Record<string, unknown>;
  const rest = Object.keys(src)
    .filter((k) => !keys.includes(k))
    .sort();
  const out: Record<string, unknown> = {};
  for (const k of [...keys, ...rest]) {
    if (!(k in src) || src[k] === undefined) continue;
    const t = inner[k];
    out[k] = t ? t(src[k]) : src[k];
  }
  return out;
}
