/** Names of aliases and instances, and parsing of what users type (`movies-2`, `movies 2`, `qa1_movies-2`). */
import { InvalidInputError } from '../errors.js';

import { aliasName, FOREIGN_NUMBER, instanceName } from '../plan/naming.js';

export { aliasName, instanceName };

/** A foreign-named instance (SPEC §11: adopted as `products_v3`), by its index name (prefix included). */
export interface ForeignName {
  name: string;
  master: string;
}

/** The foreign-named instance typed as `name` (with or without the prefix), of `master` when given. */
function foreignNamed(prefix: string, name: string, foreign: readonly ForeignName[], master?: string): ForeignName | undefined {
  const full = prefix && !name.startsWith(prefix) ? `${prefix}${name}` : name;
  return foreign.find((f) => (f.name === full || f.name === name) && (master === undefined || f.master === master));
}

/** `<prefix><master>-<N>` → { master, number }, or null for a name that is not an instance of a known master. */
export function parseInstanceName(prefix: string, name: string, masters: readonly string[]): { master: string; number: number } | null {
  const bare = prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name;
  const m = /^(.+)-(\d+)$/.exec(bare);
  if (!m || !masters.includes(m[1]!)) return null;
  return { master: m[1]!, number: Number(m[2]) };
}

export type Target = { kind: 'master'; master: string } | { kind: 'instance'; master: string; number: number; name: string };

/**
 * What a command's positional arguments name: a master (`movies`), an instance
 * (`movies-2`), or an instance as master then number (`movies 2`), as the seed's
 * es_update and es_activate take them. A foreign-named instance (`foreign`) is named
 * by its index name (`products_v3`, or `products products_v3`).
 */
export function parseTarget(prefix: string, args: readonly string[], masters: readonly string[], foreign: readonly ForeignName[] = []): Target {
  const [first, second, ...rest] = args;
  if (!first) throw new InvalidInputError('name a master or an instance, e.g. movies or movies-2');
  if (rest.length) throw new InvalidInputError(`too many arguments: ${args.join(' ')}`);
  const known = () => (masters.length ? ` (known masters: ${masters.join(', ')})` : ' (no manifests declare any master)');
  if (second !== undefined) {
    const master = stripPrefix(prefix, first);
    if (!masters.includes(master)) throw new InvalidInputError(`unknown master "${first}"${known()}`);
    // `esm activate movies movies-2`: the instance by its name, after its master.
    const named = parseInstanceName(prefix, second, [master]);
    if (named) return { kind: 'instance', ...named, name: instanceName(prefix, master, named.number) };
    const f = foreignNamed(prefix, second, foreign, master);
    if (f) return { kind: 'instance', master, number: FOREIGN_NUMBER, name: f.name };
    if (!/^\d+$/.test(second)) throw new InvalidInputError(`"${second}" is not an instance of ${master} (e.g. esm activate ${master} 2 or esm activate ${master} ${master}-2)`);
    return { kind: 'instance', master, number: Number(second), name: instanceName(prefix, master, Number(second)) };
  }
  const bare = stripPrefix(prefix, first);
  if (masters.includes(bare)) return { kind: 'master', master: bare };
  const inst = parseInstanceName(prefix, first, masters);
  if (inst) return { kind: 'instance', ...inst, name: instanceName(prefix, inst.master, inst.number) };
  const f = foreignNamed(prefix, first, foreign);
  if (f && masters.includes(f.master)) return { kind: 'instance', master: f.master, number: FOREIGN_NUMBER, name: f.name };
  throw new InvalidInputError(`unknown master or instance "${first}"${known()}`);
}

function stripPrefix(prefix: string, name: string): string {
  return prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/**
 * Several instances, as `esm drop` takes them: `movies-1 movies-2`, `movies 1 2`
 * (a master followed by numbers), or a mix. Duplicates are named once.
 */
export function parseInstanceList(
  prefix: string,
  args: readonly string[],
  masters: readonly string[],
  foreign: readonly ForeignName[] = [],
): Array<{ master: string; number: number; name: string }> {
  if (args.length === 0) throw new InvalidInputError('name the instances, e.g. movies-1 or movies 1');
  const known = () => (masters.length ? ` (known masters: ${masters.join(', ')})` : ' (no master is declared or in the cluster)');
  const out: Array<{ master: string; number: number; name: string }> = [];
  const add = (master: string, number: number, name = instanceName(prefix, master, number)) => {
    if (!out.some((t) => t.name === name)) out.push({ master, number, name });
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const bare = stripPrefix(prefix, arg);
    if (masters.includes(bare)) {
      let n = 0;
      while (i + 1 < args.length && /^\d+$/.test(args[i + 1]!)) {
        add(bare, Number(args[++i]));
        n++;
      }
      if (n === 0) throw new InvalidInputError(`"${arg}" is a master, not an instance: name its instances (e.g. ${bare}-1 or ${bare} 1), or use --older`);
      continue;
    }
    const inst = parseInstanceName(prefix, arg, masters);
    const f = inst ? undefined : foreignNamed(prefix, arg, foreign);
    if (f && masters.includes(f.master)) {
      add(f.master, FOREIGN_NUMBER, f.name);
      continue;
    }
    if (!inst) throw new InvalidInputError(`unknown instance "${arg}"${known()}`);
    add(inst.master, inst.number);
  }
  return out;
}
