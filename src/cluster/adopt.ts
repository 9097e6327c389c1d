/**
 * What taking over an index by name needs from the engine (SPEC §11): a write
 * block, a `_clone` (hard links: seconds, not a reindex), and ONE `_aliases` call
 * that removes the index and adds an alias of the same name in its place, so that
 * readers of the name never see it missing.
 */
import { indexPath as path, type Conn } from './conn.js';
import { isStatus } from './retry.js';

/** `index.blocks.write`: true refuses writes; null lifts the block (the setting goes back to its default). */
export async function setWriteBlock(conn: Conn, index: string, blocked: true | null): Promise<void> {
  await conn.request(`${blocked ? 'blocking writes to' : 'lifting the write block of'} ${index}`, {
    method: 'PUT',
    path: path(index, '/_settings'),
    body: { 'index.blocks.write': blocked },
  });
}

/** Makes every acknowledged write of `index` part of a Lucene commit (what a clone copies). */
export async function flush(conn: Conn, index: string): Promise<void> {
  await conn.request(`flushing ${index}`, { method: 'POST', path: path(index, '/_flush') });
}

/**
 * `POST <source>/_clone/<target>`. The engine copies the source's settings except its
 * replicas, which are given here; the target is writable from the start (the source's
 * write block is not copied). The source must be write-blocked.
 */
export async function cloneIndex(conn: Conn, source: string, target: string): Promise<void> {
  const from = (await indexSettings(conn, source)) ?? {};
  const replicas = Object.fromEntries(
    ['index.number_of_replicas', 'index.auto_expand_replicas'].filter((k) => from[k] !== undefined && from[k] !== null).map((k) => [k, from[k]]),
  );
  await conn.request(`cloning ${source} to ${target}`, {
    method: 'POST',
    path: path(source, `/_clone/${encodeURIComponent(target)}`),
    body: { settings: { ...replicas, 'index.blocks.write': null } },
  });
}

export async function uuidOf(conn: Conn, index: string): Promise<string | null> {
  return stringAt(await indexSettings(conn, index), 'index.uuid');
}

/** Whether `index.blocks.write` is set to true on the index. */
export async function isWriteBlocked(conn: Conn, index: string): Promise<boolean> {
  return stringAt(await indexSettings(conn, index), 'index.blocks.write') === 'true';
}

/** The index's `_meta` (empty when it has none); null when the index does not exist. */
export async function readMeta(conn: Conn, index: string): Promise<Record<string, unknown> | null> {
  try {
    const res = await conn.request<Record<string, { mappings?: { _meta?: Record<string, unknown> } }>>(`reading the mapping of ${index}`, {
      method: 'GET',
      path: path(index, '/_mapping'),
    });
    return Object.values(res)[0]?.mappings?._meta ?? {};
  } catch (err) {
    if (isStatus(err, 404)) return null;
    throw err;
  }
}

/**
 * Sets `_meta.esm` to `esm` (null: removes it), keeping the other `_meta` keys
 * (`PUT _mapping` replaces `_meta` wholesale). An index that had no `_meta` keeps an
 * empty one: the engines cannot remove it.
 */
export async function writeEsmMeta(conn: Conn, index: string, esm: Record<string, unknown> | null): Promise<void> {
  const { esm: _old, ...others } = (await readMeta(conn, index)) ?? {};
  const meta = esm === null ? others : { ...others, esm };
  await conn.request(`updating _meta of ${index}`, { method: 'PUT', path: path(index, '/_mapping'), body: { _meta: meta } });
}

async function indexSettings(conn: Conn, index: string): Promise<Record<string, unknown> | null> {
  try {
    const res = await conn.request<Record<string, { settings?: Record<string, unknown> }>>(`reading the settings of ${index}`, {
      method: 'GET',
      path: path(index, '/_settings'),
      querystring: { flat_settings: true },
    });
    return res[index]?.settings ?? Object.values(res)[0]?.settings ?? null;
  } catch (err) {
    if (isStatus(err, 404)) return null;
    throw err;
  }
}

function stringAt(settings: Record<string, unknown> | null, key: string): string | null {
  const v = settings?.[key];
  return v === undefined || v === null ? null : String(v);
}

/**
 * ONE `_aliases` call: add `alias` → `to` and delete the index `index` (`remove_index`),
 * atomically: a request for the name finds the index before and the alias after, never
 * nothing. A retried call whose first answer was lost finds the work done and returns.
 */
export async function replaceIndexWithAlias(conn: Conn, index: string, alias: string, to: string): Promise<void> {
  const what = `replacing the index ${index} with the alias ${alias} → ${to}`;
  try {
    await conn.request(what, { method: 'POST', path: '/_aliases', body: { actions: [{ add: { index: to, alias } }, { remove_index: { index } }] } });
  } catch (err) {
    if (isStatus(err, 404) && (await aliasPointsAt(conn, alias)).join() === to) return;
    throw err;
  }
}

async function aliasPointsAt(conn: Conn, alias: string): Promise<string[]> {
  try {
    const res = await conn.request<Record<string, unknown>>(`reading the alias ${alias}`, { method: 'GET', path: `/_alias/${encodeURIComponent(alias)}` });
    return Object.keys(res).sort();
  } catch (err) {
    if (isStatus(err, 404)) return [];
    throw err;
  }
}
