/**
 * How esm's help reads. clipanion writes a value-taking option as `[--url #0]`
 * and repeats the options every command shares on every usage line; esm names
 * the value (`--url <url>`) and lists the shared options once, after the commands.
 */

/** Options every command takes (declared on EsmCommand), listed once in `esm --help`. */
export const GLOBAL_OPTIONS: readonly { flag: string; value?: string; description: string }[] = [
  { flag: '--url', value: '<url>', description: 'cluster URL (env ESM_URL, ELASTICSEARCH_URL; default http://127.0.0.1:9200)' },
  { flag: '--prefix', value: '<prefix>', description: 'environment prefix of every alias and index, e.g. qa1_ (env ESM_PREFIX)' },
  { flag: '--state', value: '<file>', description: 'state file (env ESM_STATE; default .esm/state.sqlite)' },
  { flag: '--manifests', value: '<dir>', description: 'manifests directory (env ESM_MANIFESTS; default manifests)' },
  { flag: '--color', description: 'colours even without a terminal; --no-color: never (NO_COLOR and FORCE_COLOR are honoured too)' },
];

/** What the value of each option is called in usage lines; others are `<value>`. */
const VALUE_NAMES: Record<string, string> = {
  ...Object.fromEntries(GLOBAL_OPTIONS.filter((o) => o.value).map((o) => [o.flag, o.value!])),
  '--batch-size': '<n>',
  '--concurrency': '<n>',
  '--limit': '<n>',
  '--since': '<date>',
  '--out': '<file>',
  '--base': '<git-ref>',
  '--confirm': '<cluster-name>',
  '--timeout': '<duration>',
};

/** `[--url #0]` → `[--url <url>]`, everywhere in a help text. */
function nameValues(text: string): string {
  return text.replace(/(--[a-z][\w-]*(?:,--?[a-z][\w-]*)*) #0/gi, (_m, names: string) => `${names} ${VALUE_NAMES[names.split(',')[0]!] ?? '<value>'}`);
}

/** Drops the shared options from a usage line: they are listed once. */
function withoutGlobals(line: string): string {
  let out = line;
  for (const o of GLOBAL_OPTIONS) out = out.split(` [${o.flag}${o.value ? ` ${o.value}` : ''}]`).join('');
  return out;
}

/** Usage lines (`esm …` lines, in listings and error messages) without the shared options, with named values. */
export function tidyUsage(text: string): string {
  return nameValues(text)
    .split('\n')
    .map((line) => (/^\s*(?:\$ |\d+\. )?esm /.test(line) || /^\s+esm /.test(line) ? withoutGlobals(line) : line))
    .join('\n');
}

/** A command's option list without the shared options, values named. */
export function tidyOptions<T extends { definition: string }>(options: T[]): T[] {
  const globals = new Set(GLOBAL_OPTIONS.map((o) => o.flag));
  return options.filter((o) => !globals.has(o.definition.split(/[ ,]/)[0]!)).map((o) => ({ ...o, definition: nameValues(o.definition) }));
}

/** The line a command's help ends with. */
export function globalOptionsNote(): string {
  const defs = GLOBAL_OPTIONS.map((o) => (o.value ? `${o.flag} ${o.value}` : `${o.flag}/--no-color`));
  return `Every command also takes ${defs.slice(0, -1).join(', ')} and ${defs.at(-1)} (see esm --help).`;
}

/** The section `esm --help` ends with. */
export function globalOptionsHelp(): string {
  const defs = GLOBAL_OPTIONS.map((o) => (o.value ? `${o.flag} ${o.value}` : o.flag));
  const width = Math.max(...defs.map((d) => d.length));
  return ['Global options (every command takes them)', '', ...GLOBAL_OPTIONS.map((o, i) => `  ${defs[i]!.padEnd(width)}    ${o.description}`), ''].join('\n');
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
