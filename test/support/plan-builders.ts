/**
 * Test builders for the planner's inputs: a fixture in one line
 * (`anIndex({ master: 'movies', n: 1, active: true })`).
 */
import type { ClusterSnapshot, IndexSnapshot, InstanceMeta } from '../../src/cluster/types.js';
import { fingerprint } from '../../src/fingerprint/index.js';
import type { HistoryView, InstanceRecord, MasterRecord } from '../../src/history/types.js';
import type { IndexSpec } from '../../src/plan/diff.js';
import { aliasName, instanceName } from '../../src/plan/naming.js';
import { aManifest } from './manifest-builders.js';
import type { MasterPlan, Plan } from '../../src/plan/types.js';

export interface IndexOptions {
  master: string;
  n: number;
  prefix?: string;
  /** The spec the instance was created with (recorded as its fingerprint). */
  spec?: IndexSpec;
  /** What the cluster holds now, when it differs from `spec` (drift, or a legacy index). */
  live?: Partial<IndexSpec>;
  /** Recorded fingerprint; defaults to the fingerprint of `spec`. */
  fingerprint?: string;
  /** false: an index named like an instance but not created by esm (no `_meta.esm`). */
  managed?: boolean;
  /** The alias `<prefix><master>` points at it. */
  active?: boolean;
  aliases?: string[];
  filledAt?: string | null;
  lastUpdateAt?: string | null;
  docs?: number;
}

/** An index as the cluster snapshot shows it: settings with server-managed keys, `_meta.esm` in the mappings. */
export function anIndex(o: IndexOptions): IndexSnapshot {
  const prefix = o.prefix ?? '';
  const name = instanceName(prefix, o.master, o.n);
  const spec = o.spec ?? { settings: {}, mappings: {} };
  const managed = o.managed ?? true;
  const meta: InstanceMeta | null = managed
    ? {
        master: o.master,
        instance: o.n,
        fingerprint: o.fingerprint ?? fingerprint(spec),
        createdAt: '2025-01-01T00:00:00.000Z',
        commit: null,
        filledAt: o.filledAt === undefined ? '2025-01-01T00:10:00.000Z' : o.filledAt,
        lastUpdateAt: o.lastUpdateAt ?? null,
      }
    : null;
  const liveSettings = o.live?.settings ?? spec.settings;
  const liveMappings = o.live?.mappings ?? spec.mappings;
  return anIndexNamed(name, {
    aliases: [...(o.active ? [aliasName(prefix, o.master)] : []), ...(o.aliases ?? [])],
    settings: liveSettings,
    mappings: meta ? { ...liveMappings, _meta: { esm: meta } } : liveMappings,
    meta,
    docs: o.docs ?? 100,
  });
}

/** Any index, e.g. one that is not an instance of a master. */
export function anIndexNamed(
  name: string,
  o: { aliases?: string[]; settings?: Record<string, unknown>; mappings?: Record<string, unknown>; meta?: InstanceMeta | null; docs?: number } = {},
): IndexSnapshot {
  return {
    name,
    aliases: o.aliases ?? [],
    settings: {
      number_of_shards: '1',
      number_of_replicas: '1',
      uuid: `uuid-${name}`,
      creation_date: '1735689600000',
      provided_name: name,
      version: { created: '8536000' },
      routing: { allocation: { include: { _tier_preference: 'data_content' } } },
      ...(o.settings ?? {}),
    },
    mappings: o.mappings ?? {},
    meta: o.meta ?? null,
    docs: o.docs ?? 0,
    health: 'green',
  };
}

/** A snapshot holding `indices`; the alias map is derived from the indices' aliases. */
export function aSnapshot(o: { indices?: IndexSnapshot[]; prefix?: string } = {}): ClusterSnapshot {
  const indices = o.indices ?? [];
  const aliases: Record<string, string[]> = {};
  for (const i of indices) for (const a of i.aliases) aliases[a] = [...(aliases[a] ?? []), i.name];
  return {
    clusterName: 'test-cluster',
    version: '8.19.7',
    prefix: o.prefix ?? '',
    indices,
    aliases,
    capabilities: { reindex: true, deleteByQuery: true },
  };
}

export function aHistory(o: { masters?: MasterRecord[]; instances?: InstanceRecord[]; maxNumber?: Record<string, number> } = {}): HistoryView {
  return { masters: o.masters ?? [], instances: o.instances ?? [], maxNumber: o.maxNumber ?? {} };
}

export function anInstanceRecord(o: Partial<InstanceRecord> & { master: string; number: number }): InstanceRecord {
  return {
    name: `${o.master}-${o.number}`,
    fingerprint: 'sha256:0',
    createdAt: '2025-01-01T00:00:00.000Z',
    commit: null,
    filledAt: null,
    lastUpdateAt: null,
    dropped: false,
    ...o,
  };
}

/** A master's plan in one line: `aMasterPlan({ name: 'movies', steps: [...] })` (spec and origin of `aManifest`). */
export function aMasterPlan(o: Partial<MasterPlan> & { name: string }): MasterPlan {
  const m = aManifest({ name: o.name });
  return { alias: o.name, fingerprint: m.fingerprint, spec: m.spec, origin: m.origin, active: null, decision: 'noop', steps: [], reasons: [], ...o };
}

/** A plan value in one line: `aPlan({ masters: [aMasterPlan(…)] })`; nothing counted in `summary` unless given. */
export function aPlan(o: Partial<Plan> = {}): Plan {
  return {
    formatVersion: 1,
    planId: 'p',
    createdAt: '2025-01-01T00:00:00.000Z',
    git: null,
    base: { stateHash: 's', clusterHash: 'c' },
    prefix: '',
    masters: [],
    warnings: [],
    summary: { create: 0, fill: 0, catch_up: 0, prune: 0, activate: 0, in_place: 0, drop: 0, noop: 0, adopt: 0 },
    ...o,
  };
}
