/**
 * `esm import` (SPEC §11): manifests from the aliases and indices of a live cluster.
 * Read-only in the cluster: it resolves the names, reads the indices, asks the engine
 * what the templates give each name and checks that the manifest it wrote is what the
 * engine would make again; then writes one new file per master (never over an existing
 * file: exit 4 naming it, nothing written). With `adopt`, the masters it wrote are
 * adopted by the plan's `adopt` steps, under the apply lock.
 *
 * The files are collected as documents before any is written, so that other kinds
 * (companion objects the masters use) can join them and be written, or refused, together.
 */
import { existsSync, linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { engineLabel } from '../cluster/engines.js';
import type { IndexDetails, ResolvedNames } from '../cluster/resolve.js';
import { InvalidInputError, RefusedError, RuntimeError } from '../errors.js';
import { importedSpec, type SpecBody } from '../import/spec.js';
import { companionText, manifestText } from '../import/manifest-text.js';
import { selectMasters, type AdoptionWay, type ImportCandidate, type SkippedName } from '../import/select.js';
import { parseManifestSet } from '../manifest/parse.js';
import type { ManifestSet } from '../manifest/types.js';
import type { Companion, CompanionKind } from '../companions/types.js';
import { refKey } from '../companions/types.js';
import type { CompanionLive } from '../companions/plan.js';
import { adoptionMarker } from '../plan/instances.js';
import type { ClusterIdentity, Plan } from '../plan/types.js';
import type { Session } from './session.js';
import type { ApplyResult } from '../apply/executor.js';

export interface ImportOptions {
  /** Aliases and indices (wildcards allowed), with or without the environment prefix. */
  names: readonly string[];
  /** Every index and alias that is not hidden, not a system index and not esm's own. */
  all: boolean;
  /** Where to write the manifests (default: the manifests directory). */
  outDir?: string | undefined;
  /** Adopt what was imported (the plan's `adopt` steps), under the apply lock. */
  adopt?: boolean;
  /** `adopt`: shown the adoption plan before anything changes in the cluster; throwing cancels. */
  approve?: (plan: Plan) => Promise<void>;
  /** Write manifests for the companion objects the masters use too (SPEC §12): pipelines, synonym sets, scripts, templates. */
  companions?: boolean;
}

/** One file `esm import` writes: the manifest of a master or of a companion object. */
export interface ImportDocument {
  kind: 'IndexMaster' | CompanionKind;
  name: string;
  /** Absolute path. */
  path: string;
  text: string;
}

export interface ImportedMaster {
  name: string;
  /** The concrete index (prefix included). */
  index: string;
  /** The alias it is behind, or null. */
  alias: string | null;
  /** What adopting it takes (see AdoptionWay). */
  way: AdoptionWay;
  /** The file written, as the user names it (relative to the working directory when inside it). */
  file: string;
  /** What the templates give the name and the manifest leaves out. */
  fromTemplates: string[];
  /**
   * How the engine would hold the manifest differently from the live index (empty: the same, as
   * it should be). Not empty only where the engine adds something on its own; the plan shows it.
   */
  differences: string[];
}

export interface ImportedCompanionFile {
  kind: CompanionKind;
  /** As declared (no prefix). */
  name: string;
  /** The object in the cluster. */
  id: string;
  /** The file written, as the user names it. */
  file: string;
  /** The imported masters that use it. */
  usedBy: string[];
}

export interface ImportResult {
  cluster: ClusterIdentity;
  prefix: string;
  masters: ImportedMaster[];
  /** `--companions`: the companion objects written. */
  companions: ImportedCompanionFile[];
  skipped: SkippedName[];
  /** `adopt`: what the adoption did (null: nothing to adopt), and masters whose plan was not an adoption, with why. */
  adoption?: { result: ApplyResult | null; refused: Array<{ name: string; reason: string }> };
}

export async function importMasters(s: Session, opts: ImportOptions): Promise<ImportResult> {
  if (opts.all && opts.names.length) throw new InvalidInputError('name aliases and indices, or pass --all, not both');
  if (!opts.all && !opts.names.length) throw new InvalidInputError('name the aliases or indices to import (wildcards allowed), or pass --all');
  const cluster = await s.cluster();
  const prefix = s.prefix;
  const requested = opts.all ? null : opts.names.map((n) => (prefix && !n.startsWith(prefix) ? `${prefix}${n}` : n));
  const [info, resolved] = await Promise.all([cluster.info(), cluster.resolveNames(requested ?? [`${prefix}*`], { hidden: requested !== null })]);
  await withAliasTargets(s, resolved);
  const readable = resolved.indices.filter((i) => i.attributes.includes('open') && !i.attributes.includes('closed')).map((i) => i.name);
  const details = readable.length ? await cluster.readIndexDetails(readable) : new Map<string, IndexDetails>();
  const selection = selectMasters({ prefix, requested, resolved, details });
  if (selection.unmatched.length) {
    throw new InvalidInputError(`nothing in the cluster is named ${selection.unmatched.map((n) => `"${n}"`).join(', ')} (no index, alias or data stream${prefix ? ` with the prefix ${prefix}` : ''})`);
  }

  const outDir = path.resolve(s.config.cwd, opts.outDir ?? s.config.manifestsDir);
  const fileOf = (master: string) => path.join(outDir, `${master}.yaml`);
  // A file in the way refuses the whole import before anything is read further or written.
  refuseExisting(selection.candidates.map((c) => fileOf(c.master)), s.config.cwd);
  const skipped = [...selection.skipped];
  const declared = await declaredManifests(s);
  const candidates = selection.candidates.filter((c) => {
    const where = declared.masters.get(c.master);
    if (where) skipped.push({ name: c.alias ?? c.index, reason: `master ${c.master} is declared already, in ${where}` });
    return !where;
  });

  const where = `${engineLabel(info.engine)} ${info.version}, cluster ${info.clusterName}`;
  const built = await buildManifests(s, candidates, details);
  const { selectCompanions } = await import('../import/companions.js');
  const chosen = selectCompanions({
    prefix,
    masters: built.map((b) => ({ name: b.master.name, spec: b.spec, template: b.template })),
    live: opts.companions ? await liveCompanions(s, built.map((b) => b.spec)) : null,
    declared: new Set(declared.companions.map((c) => refKey(c))),
  });
  for (const r of chosen.refused) {
    const b = built.find((x) => x.master.name === r.name)!;
    skipped.push({ name: b.master.alias ?? b.master.index, reason: `master ${r.name}: ${r.reason}` });
  }
  for (const c of chosen.skipped) skipped.push({ name: c.name, kind: c.kind, reason: c.reason });

  const { schemaPath } = await import('../manifest/schemas.js');
  const { displayPath } = await import('../manifest/load.js');
  const schemaFrom = (dir: string) => path.relative(dir, schemaPath('manifest')).split(path.sep).join('/');
  const documents: ImportDocument[] = [];
  const masters: ImportedMaster[] = [];
  for (const b of built) {
    const spec = chosen.masters.get(b.master.name);
    if (!spec) continue;
    const file = fileOf(b.master.name);
    const origin = b.master.alias ? `the alias ${b.master.alias} → ${b.master.index}` : `the index ${b.master.index}`;
    documents.push({ kind: 'IndexMaster', name: b.master.name, path: file, text: manifestText({ master: b.master.name, spec, schema: schemaFrom(outDir), origin: `${origin} (${where})` }) });
    masters.push({ ...b.master, file: displayPath(file, s.config.cwd) });
  }
  const companions: ImportedCompanionFile[] = [];
  const { noun } = await import('../companions/plan.js');
  for (const c of chosen.companions) {
    const file = path.join(outDir, COMPANION_DIRS[c.kind], `${c.name}.yaml`);
    const text = companionText({ kind: c.kind, name: c.name, spec: c.spec, schema: schemaFrom(path.dirname(file)), origin: `the ${noun(c.kind)} ${c.id} (${where})`, usedBy: c.usedBy });
    documents.push({ kind: c.kind, name: c.name, path: file, text });
    companions.push({ kind: c.kind, name: c.name, id: c.id, file: displayPath(file, s.config.cwd), usedBy: c.usedBy });
  }
  const set = checkManifests(s, documents, declared.companions);
  writeNew(documents, s.config.cwd);

  const result: ImportResult = {
    cluster: { name: info.clusterName, engine: info.engine, version: info.version },
    prefix,
    masters,
    companions,
    skipped: skipped.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
  if (opts.adopt) result.adoption = await adoptImported(s, set, opts.approve);
  return result;
}

/** The indices behind the aliases found, resolved too: whether each is open, closed, hidden. */
async function withAliasTargets(s: Session, resolved: ResolvedNames): Promise<void> {
  const known = new Set(resolved.indices.map((i) => i.name));
  const missing = [...new Set(resolved.aliases.flatMap((a) => a.indices))].filter((n) => !known.has(n));
  if (!missing.length) return;
  const more = await (await s.cluster()).resolveNames(missing, { hidden: true });
  resolved.indices.push(...more.indices.filter((i) => !known.has(i.name)));
}

/** Masters the manifests directory declares already, and where; its companions (none when it cannot be read). */
async function declaredManifests(s: Session): Promise<{ masters: Map<string, string>; companions: Companion[] }> {
  if (!existsSync(s.config.manifestsDir)) return { masters: new Map(), companions: [] };
  try {
    const set = await s.manifestSet();
    return { masters: new Map(set.masters.map((m) => [m.name, m.origin.file])), companions: set.companions };
  } catch {
    // A directory that does not load is esm validate's to report; importing next to it is no worse.
    return { masters: new Map(), companions: [] };
  }
}

/** Where `--companions` writes each kind, under the output directory. */
const COMPANION_DIRS: Readonly<Record<CompanionKind, string>> = {
  IngestPipeline: 'pipelines',
  SynonymSet: 'synonym-sets',
  StoredScript: 'scripts',
  IndexTemplate: 'index-templates',
  ComponentTemplate: 'component-templates',
};

/**
 * The companion objects under the prefix (one request per kind), and the stored scripts
 * the pipelines name (scripts have no list API). Synonym sets where the cluster stores them.
 */
async function liveCompanions(s: Session, specs: readonly SpecBody[]): Promise<CompanionLive> {
  const cluster = await s.cluster();
  const { referencesOf } = await import('../companions/references.js');
  const namesSets = specs.some((spec) => referencesOf('IndexMaster', { spec }).some((r) => r.to.kind === 'SynonymSet'));
  const synonyms = namesSets && (await s.synonymsSupport()).path === 'api';
  const live = await cluster.companions({ prefix: s.prefix, scripts: [], synonyms });
  const scripts = new Set<string>();
  for (const body of Object.values(live.pipelines)) for (const r of referencesOf('IngestPipeline', { spec: body })) if (r.to.kind === 'StoredScript') scripts.add(r.to.name);
  const wanted = [...scripts].filter((id) => id.startsWith(s.prefix)).sort();
  if (wanted.length === 0) return live;
  const more = await cluster.companions({ prefix: s.prefix, scripts: wanted, synonyms: false });
  return { ...live, scripts: more.scripts };
}

interface BuiltMaster {
  master: Omit<ImportedMaster, 'file'>;
  /** The spec to write, names as the cluster holds them. */
  spec: SpecBody;
  /** The index template the engine applies to the instance (its name), or null. */
  template: string | null;
}

async function buildManifests(s: Session, candidates: ImportCandidate[], details: ReadonlyMap<string, IndexDetails>): Promise<BuiltMaster[]> {
  const cluster = await s.cluster();
  const { diffSpecs, describeDifference } = await import('../plan/diff.js');

  const specs = new Map<string, { live: SpecBody; spec: SpecBody & { fromTemplates: string[] }; full: SpecBody; template: string | null }>();
  for (const c of candidates) {
    const d = details.get(c.index)!;
    const live = { settings: d.settings, mappings: d.mappings };
    const given = await cluster.simulateIndex(c.index);
    const marker = adoptionMarker(d) !== null;
    specs.set(c.master, {
      live,
      spec: importedSpec(live, given.template ? given.spec : null, { writeBlockOfAdoption: marker }),
      full: importedSpec(live, null, { writeBlockOfAdoption: marker }),
      template: given.template?.name ?? null,
    });
  }
  // What the engine would make of each manifest, against the index it came from.
  const forms = await cluster.engineForms(candidates.map((c) => ({ key: c.master, name: c.index, spec: specs.get(c.master)!.spec })));
  const out: BuiltMaster[] = [];
  for (const c of candidates) {
    const { live, spec, full, template } = specs.get(c.master)!;
    const form = forms.get(c.master);
    let chosen: SpecBody & { fromTemplates: string[] } = spec;
    let differences: string[] = [];
    if (form?.kind === 'held') {
      differences = diffSpecs(live, form.spec).changes.map(describeDifference);
      // Left to the templates, something comes back otherwise: the manifest then says everything itself.
      if (differences.length && spec.fromTemplates.length) {
        const again = await cluster.engineForm(c.index, full);
        const without = again.kind === 'held' ? diffSpecs(live, again.spec).changes.map(describeDifference) : differences;
        if (without.length < differences.length) [chosen, differences] = [{ ...full, fromTemplates: [] }, without];
      }
    } else if (form?.kind === 'refused') {
      differences = form.reasons.map((r) => `the engine refuses the manifest: ${r}`);
    }
    out.push({
      master: { name: c.master, index: c.index, alias: c.alias, way: c.way, fromTemplates: chosen.fromTemplates, differences },
      spec: { settings: chosen.settings, mappings: chosen.mappings },
      template,
    });
  }
  return out;
}

/**
 * The manifests as `esm validate` and `esm plan` will read them, beside the companions the
 * manifests directory declares (which they may name); one that would not pass is a bug, and
 * nothing is written. Returns what was written, parsed (the directory's companions left out).
 */
function checkManifests(s: Session, documents: ImportDocument[], declared: readonly Companion[]): ManifestSet {
  const beside = declared.map((c) => ({
    file: c.origin.file,
    text: companionText({ kind: c.kind, name: c.name, spec: c.spec as unknown as Record<string, unknown>, schema: '', origin: '', usedBy: [] }),
    dir: c.origin.dir,
  }));
  try {
    const set = parseManifestSet([...documents.map((d) => ({ file: d.path, text: d.text, dir: path.dirname(d.path) })), ...beside], { prefix: s.prefix });
    const written = new Set(documents.map((d) => d.path));
    return { masters: set.masters, companions: set.companions.filter((c) => written.has(c.origin.file)) };
  } catch (e) {
    throw new RuntimeError(`esm import made a manifest that does not pass validation, so nothing was written (please report it): ${(e as Error).message}`);
  }
}

/**
 * Writes every document or none: any file that exists already is refused (exit 4)
 * before one is written, and each file is linked into place, which fails rather than
 * replace a file that appeared meanwhile (then the ones written are removed again).
 */
function writeNew(documents: ImportDocument[], cwd: string): void {
  refuseExisting(
    documents.map((d) => d.path),
    cwd,
  );
  const show = (p: string) => shown(p, cwd);
  const written: string[] = [];
  let current = '';
  try {
    for (const d of documents) {
      current = d.path;
      mkdirSync(path.dirname(d.path), { recursive: true });
      const tmp = `${d.path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
      writeFileSync(tmp, d.text, { flag: 'wx', mode: 0o644 });
      try {
        linkSync(tmp, d.path);
      } finally {
        rmSync(tmp, { force: true });
      }
      written.push(d.path);
    }
  } catch (e) {
    for (const w of written) rmSync(w, { force: true });
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EEXIST') throw new RefusedError(`esm import never overwrites a file: ${show(current)} appeared while it wrote; nothing was written`);
    throw new RuntimeError(`cannot write the manifests: ${err.message}; nothing was written`);
  }
}

/** Exit 4 naming every file that exists among `files`. */
function refuseExisting(files: string[], cwd: string): void {
  const existing = files.filter((f) => existsSync(f));
  if (existing.length === 0) return;
  throw new RefusedError(
    `esm import never overwrites a file: ${existing.map((f) => shown(f, cwd)).join(', ')} ${existing.length === 1 ? 'exists' : 'exist'}; nothing was written (move ${existing.length === 1 ? 'it' : 'them'} away, or import into another directory with --out)`,
  );
}

/** A path as the user names it: relative to the working directory when inside it. */
function shown(p: string, cwd: string): string {
  const rel = path.relative(cwd, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/**
 * `--adopt`: the plan of the imported masters (with the manifests just written), run for
 * those whose decision is `adopt`, with the imported companions the plan adopts (written
 * again, marked as esm's, and recorded); the others are reported with the plan's reasons,
 * never half-converted.
 */
async function adoptImported(s: Session, set: ManifestSet, approve: ImportOptions['approve']): Promise<NonNullable<ImportResult['adoption']>> {
  if (set.masters.length === 0) return { result: null, refused: [] };
  const [{ withApplyLock, runLocked, assertRunnable }, { readPlanInputsWith, planFrom }, { environmentOf, namesSynonymSets, resolveCompanion, resolveMaster }] = await Promise.all([
    import('../apply/apply-plan.js'),
    import('./plan.js'),
    import('../companions/resolve.js'),
  ]);
  const synonyms = set.companions.some((c) => c.kind === 'SynonymSet') || namesSynonymSets(set.masters, set.companions) ? await s.synonymsSupport() : null;
  const env = environmentOf(s.prefix, set.companions, synonyms);
  const resolved = { masters: set.masters.map((m) => resolveMaster(m, env)), companions: set.companions.map((c) => resolveCompanion(c, env)), synonyms };
  return withApplyLock(s, async (lock) => {
    const inputs = await readPlanInputsWith(s, resolved);
    const all = await planFrom(s, inputs, { only: resolved.masters.map((m) => m.name) });
    const refused = all.masters.filter((m) => m.decision !== 'adopt').map((m) => ({ name: m.name, reason: m.blocked ?? m.reasons.join('; ') }));
    const declared = new Set(resolved.companions.map((c) => refKey(c)));
    const companions = (all.companions ?? []).filter((c) => declared.has(refKey(c)));
    for (const c of companions) if (c.action !== 'adopt' && c.action !== 'noop') refused.push({ name: refKey(c), reason: c.blocked ?? c.reasons.join('; ') });
    const adopt = all.masters.filter((m) => m.decision === 'adopt');
    const adoptCompanions = companions.filter((c) => c.action === 'adopt');
    if (adopt.length === 0 && adoptCompanions.length === 0) return { result: null, refused };
    const { summarize } = await import('../plan/plan.js');
    const { companions: _all, ...rest } = all;
    const plan: Plan = {
      ...rest,
      masters: adopt,
      ...(adoptCompanions.length ? { companions: adoptCompanions } : {}),
      warnings: all.warnings.filter((w) => adopt.some((m) => m.name === w.master)),
      summary: summarize(adopt, adoptCompanions),
    };
    assertRunnable(s, plan, inputs, false);
    const { result } = await runLocked(s, lock, plan, inputs, { ...(approve ? { approve } : {}) });
    return { result, refused };
  });
}
