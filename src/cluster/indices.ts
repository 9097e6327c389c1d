/** Index operations: create (with `_meta.esm`), read one, update meta / settings / mappings, delete, refresh, count. */
import { isDeepStrictEqual } from 'node:util';
import { RefusedError } from '../errors.js';
import { confirmingLoss, type Confirmed } from './confirm.js';
import { indexPath as path, type Conn } from './conn.js';
import { parseMeta, withMeta } from './meta.js';
import { isStatus } from './retry.js';
import { indexSnapshot } from './snapshot.js';
import type { IndexSnapshot, InstanceMeta } from './types.js';

export interface IndexSpec {
  /** Settings as the manifest gives them (nested or dotted). */
  settings: Record<string, unknown>;
  mappings: Record<string, unknown>;
  /** Written to `mappings._meta.esm`. */
  meta: InstanceMeta;
}

/**
 * `PUT <name>` with the spec and `_meta.esm`; waits for the default active shards.
 * A retried create that finds the index already there with this very meta (the first
 * attempt went through, its answer was lost) counts as done.
 */
export async function createIndex(conn: Conn, name: string, spec: IndexSpec): Promise<Confirmed | null> {
  const body = { settings: spec.settings, mappings: withMeta(spec.mappings, spec.meta) };
  const sent = JSON.parse(JSON.stringify(spec.meta)) as unknown;
  const ours = async () => {
    const existing = await getIndex(conn, name);
    return existing && isDeepStrictEqual(existing.meta, sent) ? `${name} exists with the _meta.esm sent` : null;
  };
  try {
    // No answer at all (every attempt's connection cut): the index tells whether the create went through.
    return await confirmingLoss(() => conn.request(`creating index ${name}`, { method: 'PUT', path: path(name), body }), ours);
  } catch (err) {
    if (isStatus(err, 400) && err.details.type === 'resource_already_exists_exception' && (await ours()) !== null) return null;
    throw err;
  }
}

/** One index (or the index an alias points at), null when it does not exist. */
export async function getIndex(conn: Conn, name: string): Promise<IndexSnapshot | null> {
  let body: Record<string, { aliases?: Record<string, unknown>; mappings?: unknown; settings?: unknown }>;
  try {
    body = await conn.request<typeof body>(`reading index ${name}`, { method: 'GET', path: path(name) });
  } catch (err) {
    if (isStatus(err, 404)) return null;
    throw err;
  }
  const [concrete, data] = Object.entries(body)[0] ?? [];
  if (concrete === undefined || data === undefined) return null;
  return indexSnapshot(concrete, data, await count(conn, concrete), undefined, conn.engine.quirks);
}

/**
 * Merge `patch` into the index's `_meta.esm`. `PUT _mapping` replaces `_meta`
 * wholesale, so the other `_meta` keys are read and sent back.
 */
export async function updateMeta(conn: Conn, index: string, patch: Partial<InstanceMeta>): Promise<InstanceMeta> {
  const res = await conn.request<Record<string, { mappings?: { _meta?: Record<string, unknown> } }>>(`reading the mapping of ${index}`, {
    method: 'GET',
    path: path(index, '/_mapping'),
  });
  const current = Object.values(res)[0]?.mappings?._meta ?? {};
  const currentEsm = current.esm && typeof current.esm === 'object' ? (current.esm as Record<string, unknown>) : {};
  const esm = { ...currentEsm, ...patch };
  const body = { _meta: { ...current, esm } };
  await conn.request(`updating _meta of ${index}`, { method: 'PUT', path: path(index, '/_mapping'), body });
  return parseMeta(body) ?? (esm as unknown as InstanceMeta);
}

/** `PUT <index>/_settings` (dotted or nested keys; null resets a setting). */
export async function putSettings(conn: Conn, index: string, settings: Record<string, unknown>): Promise<void> {
  await conn.request(`updating the settings of ${index}`, { method: 'PUT', path: path(index, '/_settings'), body: settings });
}

/** `PUT <index>/_mapping` with the body as given (`properties`, `dynamic`, …). */
export async function putMapping(conn: Conn, index: string, mappings: Record<string, unknown>): Promise<void> {
  await conn.request(`updating the mapping of ${index}`, { method: 'PUT', path: path(index, '/_mapping'), body: mappings });
}

/**
 * Delete these indices, by name only (never a pattern). `ignoreMissing`: a missing one is
 * not an error. When an answer is lost, the indices are looked for: all gone, the delete
 * took effect (confirmed).
 */
export async function deleteIndices(conn: Conn, names: readonly string[], opts: { ignoreMissing?: boolean } = {}): Promise<Confirmed | null> {
  for (const n of names) {
    if (n === '' || /[*?,]/.test(n) || n === '_all') throw new RefusedError(`refusing to delete "${n}": esm deletes indices by exact name only`);
  }
  let confirmed: Confirmed | null = null;
  for (const chunk of chunksByLength([...new Set(names)], 2000)) {
    const joined = chunk.map(encodeURIComponent).join(',');
    const c = await confirmingLoss(
      () => conn.request(`deleting ${chunk.join(', ')}`, { method: 'DELETE', path: `/${joined}`, querystring: { ignore_unavailable: opts.ignoreMissing ?? false } }),
      async () => {
        const left = await conn.request<Record<string, unknown>>(`looking for ${chunk.join(', ')}`, { method: 'GET', path: `/${joined}`, querystring: { ignore_unavailable: true, filter_path: '*.settings.index.uuid' } });
        return Object.keys(left ?? {}).length === 0 ? `${chunk.join(', ')} no longer ${chunk.length === 1 ? 'exists' : 'exist'}` : null;
      },
    );
    confirmed ??= c;
  }
  return confirmed;
}

export async function refresh(conn: Conn, index: string): Promise<void> {
  await conn.request(`refreshing ${index}`, { method: 'POST', path: path(index, '/_refresh') });
}

/** Top-level documents (nested documents are not counted). */
export async function count(conn: Conn, index: string, query?: Record<string, unknown>): Promise<number> {
  const res = await conn.request<{ count: number }>(`counting documents in ${index}`, {
    method: 'POST',
    path: path(index, '/_count'),
    ...(query ? { body: { query } } : {}),
  });
  return res.count;
}

/** Split names into groups whose comma-joined length stays under `max` (URL length). */
export function chunksByLength(names: string[], max: number): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let len = 0;
  for (const n of names) {
    if (cur.length > 0 && len + n.length + 1 > max) {
      out.push(cur);
      cur = [];
      len = 0;
    }
    cur.push(n);
    len += n.length + 1;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
