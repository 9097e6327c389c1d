/**
 * Which indices of a live cluster become which masters (SPEC §11), pure:
 * - an alias pointing at exactly one index → master = the alias, the index whatever its name;
 * - an index without an alias → master = its name, less a trailing `-<N>` or `_v<N>`;
 * - the environment prefix: only names that start with it, stripped from the master's name.
 * What esm cannot manage is skipped with the reason: an alias over several indices, a
 * write alias (`is_write_index`), a filtered or routed alias, a data stream, a closed,
 * hidden or system index, esm's own indices, and two candidates for one master.
 */
import type { CompanionKind } from '../companions/types.js';
import type { AliasProperties, IndexDetails, ResolvedNames } from '../cluster/resolve.js';
import { parseMeta } from '../cluster/meta.js';
import { masterNameProblem, RESERVED_PREFIX } from '../manifest/master-name.js';
import { adoptionMarker } from '../plan/instances.js';
import { masterOfIndexName } from '../plan/naming.js';

/**
 * What adopting the index will take: `meta` (the alias already points at it: `_meta.esm` only),
 * `alias` (no alias yet: `_meta.esm`, then one `_aliases` call adds it), `clone` (the index has the
 * master's name, used by name: cloned to `<master>-<N>` and swapped for the alias).
 */
export type AdoptionWay = 'meta' | 'alias' | 'clone';

/** An index that becomes a master. */
export interface ImportCandidate {
  /** The master's name (prefix stripped). */
  master: string;
  /** The concrete index, prefix included. */
  index: string;
  /** The alias it is behind (prefix included), or null when it has none yet. */
  alias: string | null;
  way: AdoptionWay;
}

export interface SkippedName {
  /** The alias, index or data stream as the cluster names it. */
  name: string;
  /** A companion object the imported masters use (`esm import --companions`), not imported: its kind. */
  kind?: CompanionKind;
  reason: string;
}

export interface Selection {
  candidates: ImportCandidate[];
  skipped: SkippedName[];
  /** Requested names (as typed) that matched nothing. */
  unmatched: string[];
}

export interface SelectInput {
  prefix: string;
  /** The names and wildcards typed, prefix added where it was left out (null: `--all`). */
  requested: string[] | null;
  /** What the requested names resolve to, and (also) the indices behind every alias in it. */
  resolved: ResolvedNames;
  /** Settings, mappings and aliases of the open indices in `resolved`. */
  details: ReadonlyMap<string, IndexDetails>;
}

export function selectMasters(input: SelectInput): Selection {
  const { prefix, resolved, details } = input;
  const skipped: SkippedName[] = [];
  const skip = (name: string, reason: string) => {
    if (!skipped.some((s) => s.name === name)) skipped.push({ name, reason });
  };
  const requested = (name: string) => input.requested === null || input.requested.some((p) => matches(p, name));
  const inPrefix = (name: string) => name.startsWith(prefix) && name.length > prefix.length;
  const indexNamed = new Map(resolved.indices.map((i) => [i.name, i]));
  const candidates: ImportCandidate[] = [];

  for (const ds of resolved.dataStreams) {
    if (!inPrefix(ds.name) || !requested(ds.name)) continue;
    skip(ds.name, 'a data stream: its backing indices roll over by themselves, they are not instances esm can swap');
  }

  const viaAlias = new Set<string>();
  for (const alias of resolved.aliases) {
    if (!inPrefix(alias.name) || !requested(alias.name)) continue;
    const targets = [...alias.indices].sort();
    for (const t of targets) viaAlias.add(t);
    if (targets.length !== 1) {
      skip(alias.name, `the alias points at several indices (${targets.join(', ')}); esm manages an alias over one index: point it at one, or import the indices by name`);
      continue;
    }
    const index = targets[0]!;
    const props = details.get(index)?.aliases[alias.name] ?? {};
    const why = aliasProblem(props) ?? indexProblem(index, indexNamed.get(index)?.attributes ?? ['open'], details.get(index), prefix);
    if (why) {
      skip(alias.name, why);
      continue;
    }
    candidates.push({ master: alias.name.slice(prefix.length), index, alias: alias.name, way: 'meta' });
  }

  for (const ix of resolved.indices) {
    if (!inPrefix(ix.name) || !requested(ix.name) || viaAlias.has(ix.name)) continue;
    if (ix.dataStream) {
      skip(ix.name, `a backing index of the data stream ${ix.dataStream}`);
      continue;
    }
    const d = details.get(ix.name);
    const why = indexProblem(ix.name, ix.attributes, d, prefix);
    if (why) {
      skip(ix.name, why);
      continue;
    }
    const aliases = Object.keys(d?.aliases ?? {}).filter(inPrefix);
    if (aliases.length > 0) {
      skip(ix.name, `it is behind the alias${aliases.length === 1 ? '' : 'es'} ${aliases.join(', ')}: import ${aliases.length === 1 ? 'the alias' : 'one of them'} by name, which becomes the master`);
      continue;
    }
    const named = masterOfIndexName(prefix, ix.name);
    if (!named) continue;
    const way: AdoptionWay = named.master === ix.name.slice(prefix.length) ? 'clone' : 'alias';
    candidates.push({ master: named.master, index: ix.name, alias: null, way });
  }

  return { candidates: oneCandidateEach(candidates, skip, prefix), skipped: skipped.sort(byName), unmatched: unmatched(input) };
}

/** Why an alias is not one esm can take over as a master's alias, or null. */
function aliasProblem(p: AliasProperties): string | null {
  if (p.is_write_index === true) return 'a write alias (is_write_index): esm swaps aliases whole and would drop it';
  if (p.filter !== undefined) return 'a filtered alias: esm swaps aliases whole and would drop its filter';
  if (p.index_routing !== undefined || p.search_routing !== undefined) return 'a routed alias: esm swaps aliases whole and would drop its routing';
  return null;
}

/** Why an index cannot become an instance, or null. */
function indexProblem(name: string, attributes: readonly string[], d: IndexDetails | undefined, prefix: string): string | null {
  if (!name.startsWith(prefix)) return `${name} is outside the environment prefix ${prefix}`;
  if (attributes.includes('closed')) return `${name} is closed: esm never opens or closes an index; open it and import again`;
  if (attributes.includes('system')) return `${name} is a system index`;
  if (attributes.includes('hidden')) return `${name} is a hidden index`;
  if (name.slice(prefix.length).startsWith(RESERVED_PREFIX) || name.startsWith(RESERVED_PREFIX)) return `${name} is esm's own`;
  if (!d) return `${name} could not be read`;
  const meta = parseMeta(d.mappings);
  if (meta) return `${name} is esm's already (instance of master ${meta.master})`;
  if (adoptionMarker(d)) return `an adoption of ${name} by esm stopped before its swap: run esm apply to finish it`;
  return null;
}

/** One candidate per master: an alias wins over indices that would take its name; two of a kind are both skipped. */
function oneCandidateEach(all: ImportCandidate[], skip: (name: string, reason: string) => void, prefix: string): ImportCandidate[] {
  const out: ImportCandidate[] = [];
  const byMaster = new Map<string, ImportCandidate[]>();
  for (const c of all) byMaster.set(c.master, [...(byMaster.get(c.master) ?? []), c]);
  for (const [master, list] of [...byMaster].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const problem = masterNameProblem(master, prefix);
    if (problem) {
      for (const c of list) skip(c.alias ?? c.index, `it would be master "${master}", which ${problem}`);
      continue;
    }
    const aliased = list.filter((c) => c.alias !== null);
    if (list.length === 1 || aliased.length === 1) {
      const chosen = list.length === 1 ? list[0]! : aliased[0]!;
      // Two aliases over one index would make two masters of one instance.
      out.push(chosen);
      for (const c of list) if (c !== chosen) skip(c.index, `it would also be master ${master}, which the alias ${chosen.alias} is`);
      continue;
    }
    const names = list.map((c) => c.alias ?? c.index).sort();
    for (const c of list) skip(c.alias ?? c.index, `several ${aliased.length ? 'aliases' : 'indices'} would be master ${master} (${names.join(', ')}): give the one to manage the alias ${prefix}${master} and import again`);
  }
  const byIndex = new Map<string, ImportCandidate[]>();
  for (const c of out) byIndex.set(c.index, [...(byIndex.get(c.index) ?? []), c]);
  return out.filter((c) => {
    const same = byIndex.get(c.index)!;
    if (same.length === 1) return true;
    skip(c.alias ?? c.index, `${c.index} is behind several aliases (${same.map((x) => x.alias).join(', ')}): import one of them by name`);
    return false;
  });
}

function unmatched(input: SelectInput): string[] {
  if (input.requested === null) return [];
  const names = [...input.resolved.indices.map((i) => i.name), ...input.resolved.aliases.map((a) => a.name), ...input.resolved.dataStreams.map((d) => d.name)];
  return input.requested.filter((p) => !names.some((n) => matches(p, n)));
}

/** An index pattern (`*` the only wildcard) against a name. */
export function matches(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
