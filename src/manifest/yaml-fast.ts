/**
 * The fast way to read a manifest: js-yaml's event parser is about ten times faster
 * than composing a `yaml` Document (validate and the offline plan read every manifest
 * at every start: see the README's Dependencies), but knows nothing of where a
 * problem should be placed. It is used for the files that need no placing — the
 * common case — and gives up (returns undefined) on anything where the two readers
 * could disagree, so that yaml-file.ts reads the file the full way, with positions.
 *
 * What is read here is exactly what the full reader would read: plain scalars are
 * resolved by the `yaml` library's own YAML 1.2 core-schema tags, in its order. It
 * gives up on: a syntax error, a carriage return without a line feed, a
 * tab in indentation, a directive, a tag, an alias (an alias bomb is the
 * full reader's to bound), a merge key, a duplicate key, a key that is not a string,
 * `__proto__`, a document that is not a mapping, `.inf`/`.nan` (a problem to place).
 * `yaml-fast.test.ts` checks both readers agree on what this accepts.
 */
import { EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, type Event, type ScalarEvent } from 'js-yaml';
import { MAX_DEPTH } from './yaml-limits.js';

export interface FastDocument {
  data: Record<string, unknown>;
  /** Offset of the document's first node (what the full reader calls its start). */
  start: number;
}

/**
 * The YAML 1.2 core schema's plain scalars, as the `yaml` library resolves them (its
 * schema/core tags, in its order, with `intAsBigInt: false`): null, bool, octal, decimal
 * and hex integers, .inf/.nan, floats with and without an exponent. Written out here so
 * that the fast way does not load that library; yaml-fast.test.ts holds the two to the
 * same patterns and values.
 */
export const PLAIN_TAGS: ReadonlyArray<{ test: RegExp; resolve: (s: string) => unknown }> = [
  { test: /^(?:~|[Nn]ull|NULL)?$/, resolve: () => null },
  { test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, resolve: (s) => s[0] === 't' || s[0] === 'T' },
  { test: /^0o[0-7]+$/, resolve: (s) => parseInt(s.substring(2), 8) },
  { test: /^[-+]?[0-9]+$/, resolve: (s) => parseInt(s, 10) },
  { test: /^0x[0-9a-fA-F]+$/, resolve: (s) => parseInt(s.substring(2), 16) },
  { test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/, resolve: (s) => (s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity) },
  { test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, resolve: (s) => parseFloat(s) },
  { test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, resolve: (s) => parseFloat(s) },
];

const LONE_CR = /\r(?!\n)/;
const TAB_INDENT = /^ *\t/m;
const MAYBE_NOT_STRING = /^[-+.0-9~nNtTfF]/;

class GiveUp extends Error {}
const GIVE_UP = new GiveUp();

/** The non-empty documents of `text`, or undefined when the full reader must read it. */
export function readYamlFast(text: string): FastDocument[] | undefined {
  if (text.includes('<<')) return undefined; // merge keys: the full reader's semantics
  if (LONE_CR.test(text)) return undefined; // a line break to YAML 1.2 and js-yaml, not to the yaml library
  if (TAB_INDENT.test(text)) return undefined; // where the readers differ on what a tab there means
  let events: Event[];
  try {
    // Half the limit: depthProblem's count is an upper bound of the real depth, so that well below it both readers agree.
    events = parseEvents(text, { maxDepth: MAX_DEPTH / 2 });
  } catch {
    return undefined;
  }
  try {
    return new Construction(text, events).documents();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

class Construction {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly events: Event[],
  ) {}

  documents(): FastDocument[] {
    const out: FastDocument[] = [];
    const { events } = this;
    while (this.pos < events.length) {
      const doc = events[this.pos++]!;
      if (doc.type !== EVENT_ID.DOCUMENT || doc.directives.length > 0) throw GIVE_UP;
      const root = events[this.pos];
      if (root === undefined) throw GIVE_UP;
      if (root.type === EVENT_ID.SCALAR && root.style === SCALAR_STYLE.PLAIN && this.plain(root) === null) {
        // An empty (or `~`) document: skipped, as the full reader skips it.
        this.pos++;
      } else {
        if (root.type !== EVENT_ID.MAPPING) throw GIVE_UP;
        out.push({ start: root.start, data: this.node() as Record<string, unknown> });
      }
      if (events[this.pos++]?.type !== EVENT_ID.POP) throw GIVE_UP;
    }
    return out;
  }

  private node(): unknown {
    const e = this.events[this.pos++];
    if (e === undefined) throw GIVE_UP;
    switch (e.type) {
      case EVENT_ID.MAPPING: {
        if (e.tagStart !== -1) throw GIVE_UP;
        const out: Record<string, unknown> = {};
        for (;;) {
          const k = this.events[this.pos++];
          if (k === undefined) throw GIVE_UP;
          if (k.type === EVENT_ID.POP) return out;
          if (k.type !== EVENT_ID.SCALAR || k.tagStart !== -1) throw GIVE_UP;
          const key = this.scalar(k);
          if (typeof key !== 'string' || key === '__proto__' || Object.hasOwn(out, key)) throw GIVE_UP;
          out[key] = this.node();
        }
      }
      case EVENT_ID.SEQUENCE: {
        if (e.tagStart !== -1) throw GIVE_UP;
        const out: unknown[] = [];
        while (this.events[this.pos]?.type !== EVENT_ID.POP) {
          if (this.pos >= this.events.length) throw GIVE_UP;
          out.push(this.node());
        }
        this.pos++;
        return out;
      }
      case EVENT_ID.SCALAR:
        if (e.tagStart !== -1) throw GIVE_UP;
        return this.scalar(e);
      default:
        throw GIVE_UP; // an alias, or an event out of place
    }
  }

  private scalar(e: ScalarEvent): unknown {
    return e.style === SCALAR_STYLE.PLAIN ? this.plain(e) : getScalarValue(this.text, e);
  }

  /** A plain scalar as the `yaml` library resolves it (composeScalar's findScalarTagByTest). */
  private plain(e: ScalarEvent): unknown {
    const value = e.valueStart === -1 ? '' : getScalarValue(this.text, e);
    // Every core-schema tag's pattern starts with one of these (null, bool, int, float): most values skip the tests.
    if (value !== '' && !MAYBE_NOT_STRING.test(value)) return value;
    const tag = PLAIN_TAGS.find((t) => t.test.test(value));
    if (!tag) return value;
    const v = tag.resolve(value);
    if (typeof v === 'number' && !Number.isFinite(v)) throw GIVE_UP;
    return v;
  }
}
