/**
 * Manifests from YAML texts: parse with positions, validate against
 * `schemas/manifest.schema.json`, apply defaults, then check what a schema
 * cannot (names, fields, references between manifests). Every problem of every
 * file is reported at once, each with its `file:line:col`.
 */
import { dirname } from 'node:path';
import type { ErrorObject } from 'ajv';
import { assertNever, InvalidInputError, type Problem } from '../errors.js';
import { describeSchemaErrors } from './schema-errors.js';
import { validatorOf } from './schemas.js';
import type { Declared } from './declared.js';
import { fieldTypeFindings } from './field-types/index.js';
import { semanticProblems } from './semantic.js';
import { MANIFEST_DEFAULTS, type Manifest, type ManifestSet, type MasterSpec, type SourceSpec } from './types.js';
import { toCompanion } from '../companions/from-manifest.js';
import { isCompanionKind, type Companion } from '../companions/types.js';
import { withFingerprint } from './with-fingerprint.js';
import { parseYamlFile } from './yaml-file.js';
import { MAX_PROBLEMS_PER_FILE } from './yaml-limits.js';

export interface ManifestText {
  /** How the file is named in problems and in `origin.file`. */
  file: string;
  text: string;
  /** Directory relative `source.path`s are resolved against; default: the directory of `file`. */
  dir?: string;
}

export interface ParseOptions {
  /** The environment prefix, when known (it counts towards a name's length). */
  prefix?: string;
  /**
   * Field types are checked against each engine's list: `engine` is the configured one
   * (default `auto`: none), `warn` gets what is not a problem (only `esm validate` shows it).
   */
  fieldTypes?: { engine?: string; warn?: (p: Problem) => void };
}

/** The index masters declared in `files`, in order; throws InvalidInputError listing every problem. */
export function parseManifestTexts(files: ManifestText[], opts: ParseOptions = {}): Manifest[] {
  return parseManifestSet(files, opts).masters;
}

/**
 * Every manifest declared in `files`, in order: the index masters and the companion
 * objects (SPEC §12), of any kinds, several documents a file. Throws
 * InvalidInputError listing every problem of every file.
 */
export function parseManifestSet(files: ManifestText[], opts: ParseOptions = {}): ManifestSet {
  const problems: Problem[] = [];
  const declared: Declared[] = [];
  const validate = validatorOf('manifest');

  for (const f of files) {
    const fileProblems: Problem[] = [];
    const parsed = parseYamlFile(f.file, f.text);
    fileProblems.push(...parsed.problems);
    for (const d of parsed.documents) {
      const valid = validate(d.data);
      if (!valid) {
        // Bounded: thousands of violations would cost a quadratic amount of work to describe and place.
        const master = !isCompanionKind(kindOf(d.data));
        const errors = describeSchemaErrors((validate.errors ?? []).slice(0, 10 * MAX_PROBLEMS_PER_FILE), d.data, {
          skip: (e) => (master && isNamePatternError(e)) || isNonFiniteNumber(e, d.data),
        });
        fileProblems.push(...errors.map((e) => d.problemAt(e.path, e.message, e.at)));
      }
      const origin = { file: f.file, ...d.start, dir: f.dir ?? dirname(f.file) };
      const kind = kindOf(d.data);
      const companion = valid && isCompanionKind(kind) ? toCompanion(kind, d.data, origin) : null;
      declared.push({
        data: d.data,
        valid,
        problemAt: d.problemAt,
        manifest: valid && !isCompanionKind(kind) ? toManifest(d.data as RawManifest, origin) : null,
        companion,
        where: { file: f.file, ...d.start },
      });
    }
    problems.push(...fileProblems);
  }
  problems.push(...semanticProblems(declared, opts.prefix));
  problems.push(...typeProblems(declared, opts.fieldTypes?.engine ?? 'auto', opts.fieldTypes?.warn ?? (() => {})));

  if (problems.length > 0) throw manifestProblems(capPerFile(sortProblems(problems, files.map((f) => f.file))), problems.length);
  return {
    masters: declared.flatMap((d) => (d.manifest ? [d.manifest] : [])),
    companions: declared.flatMap((d): Companion[] => (d.companion ? [d.companion] : [])),
  };
}

/** The document's `kind`, as written (a document without one is read as an IndexMaster). */
function kindOf(data: unknown): unknown {
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['kind'] : undefined;
}

/** Field types no engine (or not the configured one) has: problems; types some engines lack: warnings. */
function typeProblems(declared: Declared[], engine: string, warn: (p: Problem) => void): Problem[] {
  const problems: Problem[] = [];
  for (const d of declared) {
    const mappings = d.manifest?.spec.mappings;
    if (!mappings) continue;
    for (const f of fieldTypeFindings(mappings, engine)) {
      const p = d.problemAt(f.at, f.message);
      if (f.severity === 'problem') problems.push(p);
      else warn(p);
    }
  }
  return problems;
}

/** `found`: how many problems there are, when `problems` shows only some of them (and says how many more). */
export function manifestProblems(problems: Problem[], found = problems.length): InvalidInputError {
  return new InvalidInputError(`${found} problem${found === 1 ? '' : 's'} in manifests`, problems);
}

/** The name's pattern is checked by `masterNameProblem`, which says which rule is broken. */
function isNamePatternError(e: ErrorObject): boolean {
  return e.instancePath === '/metadata/name' && (e.keyword === 'pattern' || e.keyword === 'maxLength');
}

/** `.inf` / `.nan` are reported by parseYamlFile, once: not also as "must be a number". */
function isNonFiniteNumber(e: ErrorObject, data: unknown): boolean {
  const value = e.instancePath
    .split('/')
    .slice(1)
    .reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), data);
  return typeof value === 'number' && !Number.isFinite(value);
}

interface RawManifest {
  metadata: { name: string; labels?: Record<string, string | number | boolean> };
  spec: {
    settings?: Record<string, unknown>;
    mappings: Record<string, unknown>;
    source?: Record<string, unknown> & { type: SourceSpec['type'] };
    idField?: string;
    updatedField?: string;
    deletedField?: string;
    activation?: { minDocRatio?: number };
    retention?: { keepInactive?: number };
    refillOnPipelineChange?: boolean;
  };
}

function toManifest(raw: RawManifest, origin: Manifest['origin']): Manifest {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw.metadata.labels ?? {})) labels[k] = String(v);
  const s = raw.spec;
  const spec: MasterSpec = {
    settings: s.settings ?? {},
    mappings: s.mappings,
    activation: { minDocRatio: s.activation?.minDocRatio ?? MANIFEST_DEFAULTS.minDocRatio },
    retention: { keepInactive: s.retention?.keepInactive ?? MANIFEST_DEFAULTS.keepInactive },
  };
  if (s.source) spec.source = toSource(s.source);
  if (s.idField !== undefined) spec.idField = s.idField;
  if (s.updatedField !== undefined) spec.updatedField = s.updatedField;
  if (s.deletedField !== undefined) spec.deletedField = s.deletedField;
  if (s.refillOnPipelineChange !== undefined) spec.refillOnPipelineChange = s.refillOnPipelineChange;
  return withFingerprint({ name: raw.metadata.name, labels, spec, origin });
}

/** The schema guarantees each type's required fields. */
function toSource(src: Record<string, unknown> & { type: SourceSpec['type'] }): SourceSpec {
  switch (src.type) {
    case 'ndjson':
      return { type: 'ndjson', path: src['path'] as string };
    case 'sqlite':
      return { type: 'sqlite', path: src['path'] as string, query: src['query'] as string };
    case 'module':
      return { type: 'module', path: src['path'] as string };
    case 'reindex': {
      const out: SourceSpec = { type: 'reindex', from: src['from'] as string };
      if (src['query'] !== undefined) out.query = src['query'] as Record<string, unknown>;
      if (src['script'] !== undefined) out.script = src['script'] as Record<string, unknown> | string;
      if (src['requestsPerSecond'] !== undefined) out.requestsPerSecond = src['requestsPerSecond'] as number;
      if (src['slices'] !== undefined) out.slices = src['slices'] as number | 'auto';
      return out;
    }
    default:
      return assertNever(src.type, 'source type');
  }
}

function sortProblems(problems: Problem[], fileOrder: string[]): Problem[] {
  const rank = (p: Problem) => (p.file === undefined ? -1 : fileOrder.indexOf(p.file));
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || (a.p.line ?? 0) - (b.p.line ?? 0) || (a.p.col ?? 0) - (b.p.col ?? 0) || a.i - b.i)
    .map(({ p }) => p);
}

/** At most MAX_PROBLEMS_PER_FILE problems of each file, then one line saying how many more there are. */
function capPerFile(sorted: Problem[]): Problem[] {
  const out: Problem[] = [];
  const count = new Map<string | undefined, number>();
  for (const p of sorted) count.set(p.file, (count.get(p.file) ?? 0) + 1);
  const shown = new Map<string | undefined, number>();
  for (const p of sorted) {
    const n = (shown.get(p.file) ?? 0) + 1;
    shown.set(p.file, n);
    if (n <= MAX_PROBLEMS_PER_FILE || p.file === undefined) out.push(p);
    const total = count.get(p.file)!;
    if (p.file !== undefined && n === total && total > MAX_PROBLEMS_PER_FILE) {
      const more = total - MAX_PROBLEMS_PER_FILE;
      out.push({ file: p.file, message: `${more} more problem${more === 1 ? '' : 's'} not shown` });
    }
  }
  return out;
}
