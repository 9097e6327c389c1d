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
 * An index esm created for this prefix: it carries `_meta.esm` and its name is
 * exactly `<prefix><master>-<N>` of that meta (so another environment's
 * `qa1_movies-1` is never taken for `movies-1`, and foreign indices never count).
 */
export function isOwnInstance(prefix: string, index: { name: string; meta: { master: string; instance: number } | null }): boolean {
  return index.meta !== null && index.name === instanceName(prefix, index.meta.master, index.meta.instance);
}

/**
 * What a `reindex` source copies from: another master's alias, or (`from:
 * active`) the master's own active instance, given as `active` (an instance
 * name, or the master's alias, which points at it); null when there is none.
 */
export function reindexFrom(source: { from: string }, prefix: string, active: string | null): string | null {
  return source.from === 'active' ? active : aliasName(prefix, source.from);
}
