/**
 * Settings keys that name the same setting: `number_of_shards`,
 * `index.number_of_shards` and `index: { number_of_shards }` all normalise to one
 * key (SPEC §4), so declaring two of them is an error, not a silent pick.
 */
import type { Problem } from '../errors.js';
import type { Anchor } from './yaml-positions.js';

type At = (path: (string | number)[], message: string, at?: Anchor) => Problem;

export function sameSettingProblems(settings: Record<string, unknown>, problemAt: At): Problem[] {
  const first = new Map<string, string[]>();
  const out: Problem[] = [];
  const walk = (value: Record<string, unknown>, keyPrefix: string, path: string[]) => {
    for (const [raw, v] of Object.entries(value)) {
      const key = normalise(keyPrefix + raw);
      const here = [...path, raw];
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
        walk(v as Record<string, unknown>, `${key}.`, here);
        continue;
      }
      const seen = first.get(key);
      if (!seen) {
        first.set(key, here);
        continue;
      }
      const was = problemAt(['spec', 'settings', ...seen], '', 'key');
      out.push(
        problemAt(
          ['spec', 'settings', ...here],
          `${show(here)} is the same setting as ${show(seen)} (line ${was.line}, column ${was.col}): keep one`,
          'key',
        ),
      );
    }
  };
  walk(settings, '', []);
  return out;
}

function normalise(key: string): string {
  return key.startsWith('index.') ? key.slice('index.'.length) : key;
}

function show(path: string[]): string {
  return ['spec', 'settings', ...path].join('.');
}
