/**
 * ajv errors rewritten for people: each becomes a message that names the
 * offending key by its dotted path, plus the path and the part of the YAML
 * node (key or value) to point at.
 */
import type { ErrorObject } from 'ajv';
import type { Anchor } from './yaml-positions.js';

export interface SchemaProblem {
  path: (string | number)[];
  at: Anchor;
  message: string;
}

export interface DescribeOptions {
  /** A message of its own for an unknown key (e.g. a secret in the config file); undefined: the usual one. */
  unknownKey?: (key: string, parent: (string | number)[]) => string | undefined;
  /** Errors to leave out because another check reports them better. */
  skip?: (e: ErrorObject) => boolean;
}

export function describeSchemaErrors(errors: ErrorObject[], root: unknown, opts: DescribeOptions = {}): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const suggested = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'additionalProperties') {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const hint = closest(key, allowedKeys(e));
      if (hint) suggested.add(`${e.instancePath}/${hint}`);
    }
  }
  for (const e of errors) {
    if (opts.skip?.(e)) continue;
    const p = describe(e, root, opts, suggested);
    if (p && !out.some((q) => q.message === p.message && samePath(q.path, p.path))) out.push(p);
  }
  return out;
}

function describe(e: ErrorObject, root: unknown, opts: DescribeOptions, suggested: Set<string>): SchemaProblem | null {
  const path = pointerToPath(e.instancePath);
  const name = showPath(path);
  const parentSchema = (e.parentSchema ?? {}) as Record<string, unknown>;
  switch (e.keyword) {
    case 'if':
      return null;
    case 'required': {
      const key = (e.params as { missingProperty: string }).missingProperty;
      if (suggested.has(`${e.instancePath}/${key}`)) return null;
      const where = path.length ? ` in ${name}` : '';
      const type = e.schemaPath.includes('/then/') ? sourceType(e.data) : undefined;
      const needs = type ? ` (a ${type} source needs ${listOf(parentSchema['required'])})` : '';
      return { path, at: 'key', message: `missing required key "${key}"${where}${needs}` };
    }
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const custom = opts.unknownKey?.(key, path);
      if (custom) return { path: [...path, key], at: 'key', message: custom };
      const where = path.length ? `in ${name}` : 'at the top level';
      const hint = closest(key, allowedKeys(e));
      const allowed = allowedKeys(e);
      const tail = hint ? ` (did you mean "${hint}"?)` : allowed.length ? ` (allowed: ${allowed.join(', ')})` : '';
      return { path: [...path, key], at: 'key', message: `unknown key "${key}" ${where}${tail}` };
    }
    case 'false schema': {
      const parent = path.slice(0, -1);
      const type = sourceType(valueAt(root, parent));
      const when = type ? ` when ${showPath([...parent, 'type'])} is ${type}` : '';
      return { path, at: 'key', message: `${name} is not allowed${when}` };
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      return { path, at: 'value', message: `${name} must be one of ${allowed.map(String).join(', ')} (got ${showValue(e.data)})` };
    }
    case 'const': {
      const allowed = (e.params as { allowedValue: unknown }).allowedValue;
      return { path, at: 'value', message: `${name} must be ${JSON.stringify(allowed)} (got ${showValue(e.data)})` };
    }
    case 'type': {
      const types = String((e.params as { type: string | string[] }).type).split(',');
      const subject = path.length ? name : 'the document';
      return { path, at: 'value', message: `${subject} must be ${types.map(typeWord).join(' or ')} (got ${showValue(e.data)})` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const min = parentSchema['minimum'];
      const max = parentSchema['maximum'];
      const rule =
        typeof min === 'number' && typeof max === 'number'
          ? `between ${min} and ${max}`
          : `${e.keyword === 'minimum' ? '>=' : e.keyword === 'maximum' ? '<=' : e.keyword === 'exclusiveMinimum' ? '>' : '<'} ${String((e.params as { limit: number }).limit)}`;
      return { path, at: 'value', message: `${name} must be ${rule} (got ${showValue(e.data)})` };
    }
    case 'minLength':
      return { path, at: 'value', message: `${name} must not be empty` };
    case 'maxLength':
      return { path, at: 'value', message: `${name} must be at most ${String((e.params as { limit: number }).limit)} characters long` };
    case 'pattern':
      return { path, at: 'value', message: `${name} must match ${String((e.params as { pattern: string }).pattern)} (got ${showValue(e.data)})` };
    default:
      return { path, at: 'value', message: `${name || 'the document'} ${e.message ?? 'is invalid'}` };
  }
}

/** `/spec/source/type` → `['spec', 'source', 'type']` (JSON Pointer unescaped). */
export function pointerToPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `['spec', 'source', 'type']` → `spec.source.type`; list items as `[0]`. */
export function showPath(path: (string | number)[]): string {
  let s = '';
  for (const step of path) {
    if (typeof step === 'number' || /^\d+$/.test(step)) s += `[${step}]`;
    else s += s ? `.${step}` : step;
  }
  return s;
}

function allowedKeys(e: ErrorObject): string[] {
  const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

/** The allowed key a typo most likely meant: same letters in another case, or at most two edits away. */
export function closest(key: string, allowed: string[]): string | undefined {
  const lower = key.toLowerCase();
  const exact = allowed.find((a) => a.toLowerCase() === lower);
  if (exact) return exact;
  let best: { key: string; d: number } | undefined;
  for (const a of allowed) {
    const d = editDistance(lower, a.toLowerCase());
    if (d <= Math.min(2, Math.floor(a.length / 3)) && (!best || d < best.d)) best = { key: a, d };
  }
  return best?.key;
}

/** Edit distance counting a swap of two neighbouring letters as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

function typeWord(t: string): string {
  switch (t) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'integer':
      return 'an integer';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'empty';
    default:
      return `a ${t}`;
  }
}

/** A value as people read it in a message. */
export function showValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

function sourceType(v: unknown): string | undefined {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string' ? (v as { type: string }).type : undefined;
}

function listOf(v: unknown): string {
  return Array.isArray(v) ? v.join(' and ') : '';
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let v = root;
  for (const step of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[String(step)];
  }
  return v;
}

function samePath(a: (string | number)[], b: (string | number)[]): boolean {
  return a.length === b.length && a.every((x, i) => String(x) === String(b[i]));
}
