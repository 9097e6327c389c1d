/**
 * How esm's help reads. clipanion writes a value-taking option as `[--url #0]`
 * and repeats the options every command shares on every usage line; esm names
 * the value (`--url <url>`) and lists the shared options once, after the commands.
 */

/**
 * An option every command takes (declared on EsmCommand), as clipanion defines it
 * (`--url #0`). cli.ts reads them from EsmCommand itself, so that a new shared
 * option is listed once without anyone updating a list.
 */
export interface GlobalOption {
  definition: string;
  description: string;
}

/** What the value of each option is called in usage lines; others are `<value>`. */
const VALUE_NAMES: Record<string, string> = {
  '--url': '<url>',
  '--prefix': '<prefix>',
  '--state': '<file>',
  '--manifests': '<dir>',
  '--engine': '<engine>',
  '--timeout': '<duration>',
  '--wait-timeout': '<duration>',
  '--batch-size': '<n>',
  '--concurrency': '<n>',
  '--limit': '<n>',
  '--since': '<date>',
  '--out': '<file>',
  '--base': '<git-ref>',
  '--confirm': '<cluster-name>',
};

/** `[--url #0]` → `[--url <url>]`, everywhere in a help text. */
function nameValues(text: string): string {
  return text.replace(/(--[a-z][\w-]*(?:,--?[a-z][\w-]*)*) #0/gi, (_m, names: string) => `${names} ${VALUE_NAMES[names.split(',')[0]!] ?? '<value>'}`);
}

/** Drops the shared options from a usage line: they are listed once. */
function withoutGlobals(line: string, globals: readonly GlobalOption[]): string {
  let out = line;
  for (const o of globals) out = out.split(` [${nameValues(o.definition)}]`).join('');
  return out;
}

/** Usage lines (`esm …` lines, in listings and error messages) without the shared options, with named values. */
export function tidyUsage(text: string, globals: readonly GlobalOption[]): string {
  return nameValues(text)
    .split('\n')
    .map((line) => (/^\s*(?:\$ |\d+\. )?esm /.test(line) ? withoutGlobals(line, globals) : line))
    .join('\n');
}

/** A command's option list without the shared options, values named. */
export function tidyOptions<T extends { definition: string }>(options: T[], globals: readonly GlobalOption[]): T[] {
  const shared = new Set(globals.map((o) => o.definition));
  return options.filter((o) => !shared.has(o.definition)).map((o) => ({ ...o, definition: nameValues(o.definition) }));
}

/** The line a command's help ends with. */
export function globalOptionsNote(globals: readonly GlobalOption[]): string {
  const defs = globals.map((o) => nameValues(o.definition));
  return `Every command also takes ${defs.slice(0, -1).join(', ')} and ${defs.at(-1)} (see esm --help).`;
}

/** The section `esm --help` ends with. */
export function globalOptionsHelp(globals: readonly GlobalOption[]): string {
  const defs = globals.map((o) => nameValues(o.definition));
  const width = Math.max(...defs.map((d) => d.length));
  return ['Global options (every command takes them)', '', ...globals.map((o, i) => `  ${defs[i]!.padEnd(width)}    ${o.description}`), ''].join('\n');
}

/** The closest of `names` to a mistyped `word`, when it is close enough to be what was meant. */
export function closestName(word: string, names: readonly string[]): string | null {
  let best: { name: string; d: number } | null = null;
  for (const name of names) {
    const d = editDistance(word.toLowerCase(), name.toLowerCase());
    if (best === null || d < best.d) best = { name, d };
  }
  if (best === null) return null;
  const prefixOf = best.name.startsWith(word.toLowerCase()) && word.length >= 2;
  return best.d <= Math.max(2, Math.floor(best.name.length / 3)) || prefixOf ? best.name : null;
}

/**
 * The option of `names` a mistyped `--word` meant: compared without the dashes, and
 * closer than for commands (`--full` is not `--url`), or a typed prefix of it.
 */
export function closestOption(word: string, names: readonly string[]): string | null {
  const bare = (s: string) => s.replace(/^-+/, '').toLowerCase();
  const extending = bare(word).length >= 3 ? names.filter((n) => bare(n).startsWith(bare(word))) : [];
  if (extending.length === 1) return extending[0]!;
  let best: { name: string; d: number } | null = null;
  for (const name of names) {
    const d = editDistance(bare(word), bare(name));
    if (best === null || d < best.d) best = { name, d };
  }
  if (best === null) return null;
  return best.d <= Math.max(1, Math.floor(bare(best.name).length / 4)) ? best.name : null;
}

/** Levenshtein distance, counting a swap of two neighbours as one edit. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
