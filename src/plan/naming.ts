/**
 * How esm names what it creates, in one place: the alias `<prefix><master>` and
 * its instances `<prefix><master>-<N>`.
 */

export const aliasName = (prefix: string, master: string): string => `${prefix}${master}`;

/** Instance N behind an alias. */
export const instanceOf = (alias: string, n: number): string => `${alias}-${n}`;

export const instanceName = (prefix: string, master: string, n: number): string => instanceOf(aliasName(prefix, master), n);

/** `<alias>-<N>` → N, or null for a name that is not an instance of that alias. */
export function instanceNumber(alias: string, name: string): number | null {
  if (!name.startsWith(`${alias}-`)) return null;
  const rest = name.slice(alias.length + 1);
  return /^\d+$/.test(rest) ? Number(rest) : null;
}

/**
 * An instance of this prefix: it carries `_meta.esm` and its name is exactly
 * `<prefix><master>-<N>` of that meta (so another environment's `qa1_movies-1` is
 * never taken for `movies-1`, and indices esm never took over never count), or it
 * is a foreign-named instance of this prefix (see isForeignInstance).
 */
export function isOwnInstance(prefix: string, index: { name: string; meta: { master: string; instance: number; alias?: string } | null }): boolean {
  return index.meta !== null && (index.name === instanceName(prefix, index.meta.master, index.meta.instance) || isForeignInstance(prefix, index));
}

/**
 * A foreign-named instance (SPEC §11): an index esm adopted whose name is not
 * `<prefix><master>-<N>` (`products_v3`). Its `_meta.esm.alias` names the alias it
 * was adopted under, prefix included, which tells the environment it belongs to.
 */
export function isForeignInstance(prefix: string, index: { name: string; meta: { master: string; alias?: string } | null }): boolean {
  const meta = index.meta;
  if (meta === null || meta.alias === undefined || meta.alias !== aliasName(prefix, meta.master)) return false;
  return index.name.startsWith(prefix) && index.name !== meta.alias && instanceNumber(meta.alias, index.name) === null;
}

/** The instance number of a foreign-named instance: before every number esm gives (new instances count from 1). */
export const FOREIGN_NUMBER = 0;

/**
 * The master an index without an alias would become (SPEC §11): its name without
 * the prefix and without a trailing `-<N>` or `_v<N>`; null when that leaves nothing.
 */
export function masterOfIndexName(prefix: string, name: string): { master: string; number: number | null } | null {
  if (!name.startsWith(prefix)) return null;
  const bare = name.slice(prefix.length);
  const numbered = /^(.+)-(\d+)$/.exec(bare);
  if (numbered) return { master: numbered[1]!, number: Number(numbered[2]) };
  const versioned = /^(.+)_v(\d+)$/.exec(bare);
  if (versioned) return { master: versioned[1]!, number: null };
  return bare === '' ? null : { master: bare, number: null };
}

/**
 * What a `reindex` source copies from: another master's alias, or (`from:
 * active`) the master's own active instance, given as `active` (an instance
 * name, or the master's alias, which points at it); null when there is none.
 */
export function reindexFrom(source: { from: string }, prefix: string, active: string | null): string | null {
  return source.from === 'active' ? active : aliasName(prefix, source.from);
}
