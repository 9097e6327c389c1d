/**
 * Seeded mutations of valid manifests for the fuzz suite: each returns YAML text
 * a careless or hostile pull request could contain. Deterministic for a seed.
 */

import { type Rng } from '../support/rng.js';

export { rng } from '../support/rng.js';

const int = (r: Rng, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)]!;

const WEIRD = ['\u0000', '\u0007', '\t', '\r', '\u202e', '\u200b', '\ufeff', '\u2028', 'é', '💥', '\u0301', '\ud800', '"', "'", ':', '#', '&', '*', '!', '|', '>', '%', '@', '`', '{', '}', '[', ']', ',', '-', '?', '\\'];
const VALUES = ['[]', '{}', '123', '-1', 'true', 'null', '~', '"str"', "''", '1e309', '-.inf', '.nan', '0x7fffffffffffffff', '99999999999999999999999', '-0', '1.5', '2024-02-30', '!!binary aGk=', '&x 1', '*undefined_alias', '[1, [2, [3]]]', '{a: {b: {c: d}}}', '|\n  text'];

type Mutator = (text: string, r: Rng) => string;

function lines(text: string): string[] {
  return text.split('\n');
}

export const MUTATORS: Record<string, Mutator> = {
  byteFlip(text, r) {
    const b = Buffer.from(text, 'utf8');
    for (let k = 1 + int(r, 5); k > 0; k--) {
      const i = int(r, b.length);
      b[i] = b[i]! ^ (1 << int(r, 8));
    }
    return b.toString('utf8');
  },
  truncate(text, r) {
    return text.slice(0, int(r, text.length));
  },
  wrongType(text, r) {
    const ls = lines(text);
    const i = int(r, ls.length);
    ls[i] = ls[i]!.replace(/:\s.*$/, `: ${pick(r, VALUES)}`);
    return ls.join('\n');
  },
  deepNesting(text, r) {
    const n = 20 + int(r, 300);
    const nest = r() < 0.5 ? `${'['.repeat(n)}${']'.repeat(n)}` : `${'{a: '.repeat(n)}1${'}'.repeat(n)}`;
    // Compact block sequences cost 2 bytes a level: 20,000 levels ran node out of memory in the yaml composer.
    const block = r() < 0.3 ? `\n${'  '.repeat(3)}${'- '.repeat(r() < 0.5 ? n : 5000 + int(r, 15_000))}x` : ` ${nest}`;
    return text.replace(/^( {4}_meta:| {2}mappings:)?$/m, '') + `  labels_extra:${block}\n`;
  },
  hugeNumber(text, r) {
    return text.replace(/: (\d+)$/m, `: ${pick(r, ['1e309', '-1e309', '99999999999999999999999999', '-0', '.inf', '.nan', '1_000', '0o777', '0x1F', '4294967296', '1.7976931348623157e308'])}`);
  },
  unicode(text, r) {
    let out = text;
    for (let k = 1 + int(r, 4); k > 0; k--) {
      const at = r() < 0.3 ? out.indexOf('name: ') + 6 + int(r, 4) : int(r, out.length);
      out = out.slice(0, at) + pick(r, WEIRD) + out.slice(at);
    }
    return out;
  },
  duplicateKey(text, r) {
    const ls = lines(text);
    const i = int(r, ls.length);
    ls.splice(i, 0, ls[i]!);
    return ls.join('\n');
  },
  aliasBomb(text, r) {
    const width = 2 + int(r, 9);
    const depth = 2 + int(r, 8);
    let bomb = `\n  x0: &a0 [${Array(width).fill('lol').join(', ')}]`;
    for (let i = 1; i < depth; i++) bomb += `\n  x${i}: &a${i} [${Array(width).fill(`*a${i - 1}`).join(', ')}]`;
    return text.replace('metadata:', `bomb:${bomb}\nmetadata:`);
  },
  tabs(text, r) {
    const ls = lines(text);
    for (let k = 1 + int(r, 3); k > 0; k--) {
      const i = int(r, ls.length);
      ls[i] = ls[i]!.replace(/^( +)/, (s) => '\t'.repeat(1 + int(r, s.length)));
    }
    return ls.join('\n');
  },
  severalDocuments(text, r) {
    const n = 2 + int(r, 3);
    const docs: string[] = [];
    for (let i = 0; i < n; i++) docs.push(r() < 0.5 ? text.replace(/name: (\S+)/, `name: $1${i}x`) : text);
    return docs.join(pick(r, ['---\n', '\n---\n', '...\n---\n', '--- \n']));
  },
  symbols(text, r) {
    const ls = lines(text);
    const i = int(r, ls.length);
    ls[i] = ls[i] + pick(r, [' #', ' &', ' *', ' !', ' |', ' >', ' - x', ' ? y', ': z', ' {', ' [', ' "', " '", ' %YAML 1.1', ' <<: *nope']);
    return ls.join('\n');
  },
};

export const MUTATOR_NAMES = Object.keys(MUTATORS);

/** One case: 1–3 mutations of a seed manifest; `kinds` names them for the report. */
export function mutate(seed: string, r: Rng): { text: string; kinds: string[] } {
  let text = seed;
  const kinds: string[] = [];
  for (let k = 1 + (r() < 0.25 ? int(r, 3) : 0); k > 0; k--) {
    const name = pick(r, MUTATOR_NAMES);
    kinds.push(name);
    text = MUTATORS[name]!(text, r);
  }
  return { text, kinds };
}
