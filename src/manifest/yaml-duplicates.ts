/**
 * Duplicate keys of a parsed YAML document, found in one pass (the yaml
 * library's own check compares every pair of keys: quadratic, 17 s for 40,000
 * keys). Keys are compared as their JSON form would be, so `1` and `"1"` are the
 * same key. Merge keys (`<<`) may repeat.
 */
import type { Document, LineCounter, Node } from 'yaml';
import type { Problem } from '../errors.js';
import { yamlLib } from './yaml-lib.js';

export function duplicateKeyProblems(file: string, doc: Document, lc: LineCounter): Problem[] {
  const { isMap, isScalar, visit } = yamlLib();
  const problems: Problem[] = [];
  visit(doc, {
    Map(_key, map) {
      if (!isMap(map)) return;
      const seen = new Map<string, Node>();
      for (const pair of map.items) {
        const key = pair.key as Node | null;
        if (!isScalar(key) || key.value === null || key.value === undefined) continue;
        const name = String(key.value);
        if (name === '<<' && key.source === '<<') continue;
        const first = seen.get(name);
        if (!first) {
          seen.set(name, key);
          continue;
        }
        const at = lc.linePos(key.range?.[0] ?? 0);
        const was = lc.linePos(first.range?.[0] ?? 0);
        problems.push({ file, line: at.line, col: at.col, message: `invalid YAML: duplicate key "${name}" (first at line ${was.line}, column ${was.col})` });
      }
    },
  });
  return problems;
}
