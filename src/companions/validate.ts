/**
 * What `esm validate` checks of companions beyond the schema (SPEC §12): names (unique
 * per kind, within the length limit with the prefix), every reference to a companion
 * — from masters, templates and pipelines — naming one that is declared, and no cycle
 * of references (a pipeline that ends up calling itself). Each problem at the place
 * that names the companion, with the missing name. Runs on every document, valid or
 * not, as far as its shape allows.
 */
import type { Problem } from '../errors.js';
import type { Declared } from '../manifest/declared.js';
import { visible } from '../visible.js';
import { referencesOf, type Reference } from './references.js';
import { isCompanionKind, refKey, type CompanionKind } from './types.js';

/** The longest object name esm creates (prefix included): the engines' limit for names. */
export const MAX_COMPANION_NAME_BYTES = 255;

export function companionProblems(all: readonly Declared[], prefix = ''): Problem[] {
  const problems: Problem[] = [];
  const declared = new Map<string, Declared>();
  for (const d of all) {
    const kind = field(d.data, 'kind');
    const name = field(d.data, 'metadata', 'name');
    if (!isCompanionKind(kind) || typeof name !== 'string' || name === '') continue;
    const bytes = Buffer.byteLength(prefix + name, 'utf8');
    if (bytes > MAX_COMPANION_NAME_BYTES) {
      problems.push(d.problemAt(['metadata', 'name'], `metadata.name "${visible(name)}" is ${bytes} bytes long${prefix ? ` with the prefix "${prefix}"` : ''}: at most ${MAX_COMPANION_NAME_BYTES}`));
    }
    const key = refKey({ kind, name });
    const first = declared.get(key);
    if (first) {
      const at = first.problemAt(['metadata', 'name'], '');
      problems.push(d.problemAt(['metadata', 'name'], `duplicate ${kind} name "${visible(name)}": already declared at ${at.file}:${at.line}:${at.col}`));
    } else {
      declared.set(key, d);
    }
  }

  const edges = new Map<string, Array<{ to: string; ref: Reference; d: Declared }>>();
  for (const d of all) {
    const kind = field(d.data, 'kind');
    for (const ref of referencesOf(kind, d.data)) {
      const target = refKey(ref.to);
      if (!declared.has(target)) {
        problems.push(d.problemAt(ref.path, `${ref.where} names ${article(ref.to.kind)} ${ref.to.kind} "${visible(ref.to.name)}", which no manifest declares`));
        continue;
      }
      const name = field(d.data, 'metadata', 'name');
      if (isCompanionKind(kind) && typeof name === 'string') {
        const from = refKey({ kind, name });
        if (declared.get(from) === d) edges.set(from, [...(edges.get(from) ?? []), { to: target, ref, d }]);
      }
    }
  }
  for (const cycle of cycles(edges)) {
    const words = [...cycle.map((e) => e.from), cycle[0]!.from].join(' → ');
    for (const e of cycle) problems.push(e.d.problemAt(e.ref.path, `${e.ref.where} makes a cycle (${words}): esm cannot apply one before the other`));
  }
  return problems;
}

type Edge = { to: string; ref: Reference; d: Declared };

/** Each cycle once, as its edges in order, found by a depth-first walk from the lowest key. */
function cycles(edges: ReadonlyMap<string, Edge[]>): Array<Array<Edge & { from: string }>> {
  const found: Array<Array<Edge & { from: string }>> = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: Array<Edge & { from: string }> = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    for (const e of [...(edges.get(node) ?? [])].sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0))) {
      const s = state.get(e.to);
      if (s === 'open') {
        const start = e.to === node ? stack.length : stack.findIndex((x) => x.from === e.to);
        found.push([...stack.slice(start), { ...e, from: node }]);
      } else if (s === undefined) {
        stack.push({ ...e, from: node });
        visit(e.to);
        stack.pop();
      }
    }
    state.set(node, 'done');
  };
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

function article(kind: CompanionKind): string {
  return /^[AEIOU]/.test(kind) ? 'an' : 'a';
}

function field(v: unknown, ...path: string[]): unknown {
  for (const step of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[step];
  }
  return v;
}
