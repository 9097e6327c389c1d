/**
 * Fixtures for plan / apply / reset tests: a master's manifest in one line,
 * documents, and a few assertions on what the cluster and the journal hold.
 */
import { stringify } from 'yaml';
import { rawClient } from './es.js';
import type { CliResult } from './cli.js';
import type { TempProject } from './project.js';

export const OLD = '2020-01-01T00:00:00.000Z';

export interface MovieManifestOptions {
  name?: string;
  /** Field → type (or a full field mapping). Default: id keyword, title text, updated_at date. */
  fields?: Record<string, string | Record<string, unknown>>;
  settings?: Record<string, unknown>;
  /** `source.path` relative to the manifests dir; null: no source. */
  data?: string | null;
  idField?: string | null;
  updatedField?: string | null;
  keepInactive?: number;
  minDocRatio?: number;
}

export const MOVIE_FIELDS = { id: 'keyword', title: 'text', updated_at: 'date' } as const;

/** An `esm/v1 IndexMaster` manifest as YAML text. */
export function movieManifest(o: MovieManifestOptions = {}): string {
  const name = o.name ?? 'movies';
  const fields = o.fields ?? MOVIE_FIELDS;
  const properties = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? { type: v } : v]));
  const spec: Record<string, unknown> = {
    settings: o.settings ?? { number_of_shards: 1, number_of_replicas: 0 },
    mappings: { dynamic: 'strict', properties },
  };
  const data = o.data === undefined ? `../data/${name}.ndjson` : o.data;
  if (data !== null) spec.source = { type: 'ndjson', path: data };
  const idField = o.idField === undefined ? 'id' : o.idField;
  const updatedField = o.updatedField === undefined ? 'updated_at' : o.updatedField;
  if (idField) spec.idField = idField;
  if (updatedField) spec.updatedField = updatedField;
  if (o.minDocRatio !== undefined) spec.activation = { minDocRatio: o.minDocRatio };
  if (o.keepInactive !== undefined) spec.retention = { keepInactive: o.keepInactive };
  return stringify({ apiVersion: 'esm/v1', kind: 'IndexMaster', metadata: { name }, spec });
}

export interface Movie {
  id: string;
  title: string;
  updated_at: string;
  [k: string]: unknown;
}

/** Movies `from`..`from+n-1`, all updated at `at`. */
export function movies(n: number, o: { at?: string; from?: number } = {}): Movie[] {
  const from = o.from ?? 1;
  return Array.from({ length: n }, (_, i) => ({ id: `m-${from + i}`, title: `Movie ${from + i}`, updated_at: o.at ?? OLD }));
}

/** Runs esm and fails the test with its output unless it exited with `code` (default 0). */
export async function esm(p: TempProject, argv: string[], code = 0, opts: Parameters<TempProject['cli']>[1] = {}): Promise<CliResult> {
  const r = await p.cli(argv, opts);
  if (r.code !== code) throw new Error(`esm ${argv.join(' ')} exited ${r.code}, expected ${code}:\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r;
}

/** The concrete indices the alias points at (none: []). */
export async function aliasTargets(alias: string): Promise<string[]> {
  try {
    return Object.keys(await rawClient().indices.getAlias({ name: alias })).sort();
  } catch (e) {
    if ((e as { meta?: { statusCode?: number } }).meta?.statusCode === 404) return [];
    throw e;
  }
}

/** Indices under the prefix (hidden ones excluded), sorted. */
export async function indicesOf(prefix: string): Promise<string[]> {
  const res = await rawClient().indices.get({ index: `${prefix}*`, allow_no_indices: true, ignore_unavailable: true });
  return Object.keys(res).sort();
}

export async function countDocs(index: string): Promise<number> {
  await rawClient().indices.refresh({ index });
  return (await rawClient().count({ index })).count;
}

/** `_meta.esm` of an instance. */
export async function metaOf(index: string): Promise<Record<string, unknown>> {
  const res = await rawClient().indices.getMapping({ index });
  const m = Object.values(res)[0]!.mappings as { _meta?: { esm?: Record<string, unknown> } };
  return m._meta?.esm ?? {};
}

/** The decision per master from `esm plan --json`. */
export async function decisions(p: TempProject): Promise<Record<string, string>> {
  const plan = (await esm(p, ['plan', '--json'])).json<{ masters: { name: string; decision: string }[] }>();
  return Object.fromEntries(plan.masters.map((m) => [m.name, m.decision]));
}

export const ANSI = /\x1b\[/;
