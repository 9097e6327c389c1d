/**
 * Alias changes. `swapAlias` is ONE `_aliases` call (atomic in Elasticsearch):
 * remove the alias from every index that holds it, add it to the new one. Readers
 * never see the alias missing nor pointing at two indices. When its answer is lost,
 * the alias is read: pointing at the new index only, the swap took effect.
 */
import { ClusterError } from '../errors.js';
import { confirmingLoss, type Confirmed } from './confirm.js';
import type { Conn } from './conn.js';
import { esError, isStatus } from './retry.js';

interface AliasesResponse {
  errors?: boolean;
  action_results?: Array<{ action?: { type?: string }; status?: number; error?: { type?: string; reason?: string } }>;
}

/** The alias actions of a swap (pure). `from` is informative: every holder loses the alias. */
export function swapActions(alias: string, to: string): Array<Record<string, { index: string; alias: string }>> {
  return [{ remove: { index: '*', alias } }, { add: { index: to, alias } }];
}

/**
 * Point `alias` at `to` and nothing else, in one call. Removing an alias no index
 * holds is reported by Elasticsearch as a failed action next to the add that went
 * through; that one is expected (first activation) and ignored.
 */
export async function swapAlias(conn: Conn, alias: string, target: { from: string | null; to: string }): Promise<Confirmed | null> {
  const what = `pointing alias ${alias} at ${target.to}${target.from ? ` (was ${target.from})` : ''}`;
  return confirmingLoss(
    async () => checkActions(conn, await conn.request<AliasesResponse>(what, { method: 'POST', path: '/_aliases', body: { actions: swapActions(alias, target.to) } }), what),
    async () => {
      const targets = await aliasTargets(conn, alias);
      return targets.length === 1 && targets[0] === target.to ? `alias ${alias} points at ${target.to}` : null;
    },
  );
}

/** The indices `alias` points at (none when it does not exist). */
export async function aliasTargets(conn: Conn, alias: string): Promise<string[]> {
  try {
    const res = await conn.request<Record<string, unknown>>(`reading alias ${alias}`, { method: 'GET', path: `/_alias/${encodeURIComponent(alias)}` });
    return Object.keys(res).sort();
  } catch (err) {
    if (isStatus(err, 404)) return [];
    throw err;
  }
}

/** Remove `alias` from `index` (or from every index holding it). A missing alias or index is not an error. */
export async function removeAlias(conn: Conn, alias: string, index = '*'): Promise<void> {
  const what = `removing alias ${alias} from ${index === '*' ? 'every index' : index}`;
  let res: AliasesResponse;
  try {
    res = await conn.request<AliasesResponse>(what, { method: 'POST', path: '/_aliases', body: { actions: [{ remove: { index, alias } }] } });
  } catch (err) {
    // The only action failed: the engine answers 404 for the whole call.
    if (isStatus(err, 404) && (err.details.type === 'aliases_not_found_exception' || err.details.type === 'index_not_found_exception')) return;
    throw err;
  }
  checkActions(conn, res, what);
}

function checkActions(conn: Conn, res: AliasesResponse, what: string): void {
  if (!res.errors) return;
  for (const r of res.action_results ?? []) {
    if (!r.error) continue;
    if (r.action?.type === 'remove' && r.error.type === 'aliases_not_found_exception') continue;
    const { type, reason } = esError({ error: r.error });
    throw new ClusterError(`${conn.engine.label} at ${conn.url} answered ${r.status ?? 400} (${[type, reason].filter(Boolean).join(': ')}) while ${what}`, {
      url: conn.url,
      status: r.status,
      type,
    });
  }
}
