/**
 * Companion objects in the shell (SPEC §12): what the planner reads of them (the
 * declared ones, resolved for the environment; what the cluster holds; what the
 * history says esm owns), and the checks the engine makes before anything is written:
 * pipelines run on sample documents of the masters' sources (`_simulate`), synonym
 * rules parsed by a synonym filter (`_analyze`), templates composed (`_simulate`).
 * Each problem is placed in the companion's manifest (file:line:col), exit 3.
 */
import type { CompanionObject, IndexTemplateInfo, LiveCompanions } from '../cluster/index.js';
import { assertNever, ClusterError, InvalidInputError, RuntimeError, type Problem } from '../errors.js';
import type { ActionName, HistoryView } from '../history/types.js';
import type { Manifest } from '../manifest/types.js';
import type { CompanionInput } from '../plan/plan.js';
import type { CompanionPlan, Plan } from '../plan/types.js';
import type { ResolvedCompanion } from '../companions/resolve.js';
import type { Resolved, Session } from './session.js';

/** Documents of a master's source a pipeline is tried on. */
export const SAMPLE_DOCS = 5;

/** The companions' part of the planner's input: declared, live, owned. */
export async function readCompanionInput(s: Session, resolved: Resolved, history: Pick<HistoryView, 'companions'>): Promise<CompanionInput> {
  const owned = history.companions ?? [];
  const scripts = new Set<string>();
  for (const c of resolved.companions) if (c.kind === 'StoredScript') scripts.add(c.id);
  for (const o of owned) if (o.startsWith('StoredScript/')) scripts.add(o.slice('StoredScript/'.length));
  const cluster = await s.cluster();
  const needed = (kind: string) => resolved.companions.some((c) => c.kind === kind) || owned.some((o) => o.startsWith(`${kind}/`));
  const required = (
    [
      ['pipelines', 'IngestPipeline'],
      ['indexTemplates', 'IndexTemplate'],
      ['componentTemplates', 'ComponentTemplate'],
    ] as const
  )
    .filter(([, kind]) => needed(kind))
    .map(([key]) => key);
  const live: LiveCompanions = await cluster.companions({ prefix: s.prefix, scripts: [...scripts].sort(), synonyms: resolved.synonyms?.path === 'api', required });
  return { declared: resolved.companions, live, synonyms: resolved.synonyms, owned };
}

/**
 * Asks the engine about every companion apply would write, before anything is written;
 * throws InvalidInputError (exit 3) naming each problem where it is declared.
 */
export async function checkCompanions(s: Session, plan: Plan, resolved: Resolved): Promise<void> {
  const plans = new Map((plan.companions ?? []).map((c) => [`${c.kind}/${c.name}`, c]));
  const problems: Problem[] = [];
  const templates = new TemplateCheck(s, plans, resolved.companions);
  for (const c of resolved.companions) {
    const cp = plans.get(`${c.kind}/${c.name}`);
    if (!cp) continue;
    switch (c.kind) {
      case 'IngestPipeline':
        if (writes(cp) || fills(plan, cp.usedBy)) problems.push(...(await checkPipeline(s, c, cp, plans, resolved.masters)));
        break;
      case 'SynonymSet':
        // Checked with the inputs, before the masters' specs are (checkSynonymSets).
        break;
      case 'IndexTemplate':
      case 'ComponentTemplate':
        problems.push(...(await templates.check(c)));
        break;
      case 'StoredScript':
        break;
      default:
        assertNever(c, 'companion');
    }
  }
  if (problems.length) throw new InvalidInputError(`${problems.length} problem${problems.length === 1 ? '' : 's'} in companion manifests (the engine's checks, before anything was written)`, problems);
}

/** Some of these masters send documents in this plan (through the pipelines they use). */
function fills(plan: Plan, masters: readonly string[]): boolean {
  return plan.masters.some((m) => masters.includes(m.name) && m.steps.some((s) => s.op === 'fill' || s.op === 'catch_up'));
}

function writes(cp: CompanionPlan): boolean {
  return !cp.blocked && (cp.action === 'create' || cp.action === 'update' || cp.action === 'adopt');
}

/**
 * A pipeline apply writes, or that a master filled by the plan uses, is run on up to
 * SAMPLE_DOCS documents of the first master (by name) that names it and has a document
 * source; without one, on an empty document, where only a pipeline the engine cannot
 * build counts. A pipeline that names a pipeline or script apply has yet to write is not
 * run (the engine would not find them).
 */
async function checkPipeline(
  s: Session,
  c: Extract<ResolvedCompanion, { kind: 'IngestPipeline' }>,
  cp: CompanionPlan,
  plans: ReadonlyMap<string, CompanionPlan>,
  masters: readonly Manifest[],
): Promise<Problem[]> {
  if (cp.dependsOn.some((d) => plans.get(d)?.action !== 'noop')) return [];
  const { problemAt } = await import('../manifest/place.js');
  const cluster = await s.cluster();
  const master = masters.find((m) => cp.usedBy.includes(m.name) && (m.uses ?? []).some((u) => u.kind === 'IngestPipeline' && u.name === c.name) && m.spec.source && m.spec.source.type !== 'reindex');
  const docs = master ? await sampleDocs(s, master) : [];
  let results;
  try {
    results = await cluster.simulatePipeline(c.spec as unknown as Record<string, unknown>, docs.length ? docs : [{}]);
  } catch (e) {
    if (!(e instanceof ClusterError) || e.details.status !== 400) throw e;
    const reason = engineReason(e);
    const type = /processor type exists with name \[([^\]]+)\]/.exec(reason)?.[1];
    const i = type === undefined ? -1 : c.spec.processors.findIndex((p) => typeof p === 'object' && p !== null && type in p);
    const at = i === -1 ? [] : ['spec', 'processors', i, type!];
    return [await problemAt(c.origin, at, `the engine refuses ingest pipeline ${c.id}: ${reason}`, 'key')];
  }
  if (!docs.length) return [];
  const failed = results.findIndex((r) => !r.ok);
  if (failed === -1) return [];
  const r = results[failed]!;
  const id = master!.spec.idField ? docs[failed]![master!.spec.idField] : undefined;
  const which = `document ${failed + 1} of ${docs.length} of the source of ${master!.name}${id !== undefined ? ` (${master!.spec.idField} ${JSON.stringify(id)})` : ''}`;
  return [await problemAt(c.origin, [], `ingest pipeline ${c.id} fails on ${which}: ${r.ok ? '' : r.error}`)];
}

async function sampleDocs(s: Session, m: Manifest): Promise<Record<string, unknown>[]> {
  const { openSource } = await import('../sources/index.js');
  const docs: Record<string, unknown>[] = [];
  for await (const doc of openSource(m, { cwd: s.config.cwd }).read({ since: null, ...(s.signal ? { signal: s.signal } : {}) })) {
    docs.push(doc);
    if (docs.length >= SAMPLE_DOCS) break;
  }
  return docs;
}

/**
 * The rules go through a synonym filter (`_analyze`): when the engine refuses them, the
 * first rule it refuses on its own is found by halving (the engines do not say which)
 * and the problem is placed at it. A node without the synonym filter (no analysis-common)
 * cannot check them: the masters that use the set would fail at creation anyway.
 */
async function checkSynonyms(s: Session, c: Extract<ResolvedCompanion, { kind: 'SynonymSet' }>): Promise<Problem[]> {
  const cluster = await s.cluster();
  const refusal = async (rules: readonly string[]): Promise<string | null> => {
    try {
      await cluster.analyzeWithFilter({ type: 'synonym', synonyms: rules });
      return null;
    } catch (e) {
      if (!(e instanceof ClusterError) || e.details.status !== 400) throw e;
      return engineReason(e);
    }
  };
  const reason = await refusal(c.spec.synonyms);
  if (reason === null || NO_SYNONYM_FILTER.test(reason)) return [];
  let lo = 0;
  let hi = c.spec.synonyms.length;
  let why = reason;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const first = await refusal(c.spec.synonyms.slice(lo, mid));
    if (first !== null) {
      hi = mid;
      why = first;
      continue;
    }
    const second = await refusal(c.spec.synonyms.slice(mid, hi));
    if (second === null) break;
    lo = mid;
    why = second;
  }
  const { problemAt } = await import('../manifest/place.js');
  const one = hi - lo === 1 && (await refusal([c.spec.synonyms[lo]!])) !== null;
  const at = one ? ['spec', 'synonyms', lo] : ['spec', 'synonyms'];
  const which = one ? `rule ${lo + 1} ${JSON.stringify(c.spec.synonyms[lo])}` : 'its rules';
  return [await problemAt(c.origin, at, `the engine refuses ${which} of synonym set ${c.name}: ${why}`)];
}

/**
 * Every declared synonym set's rules, checked by the engine before anything else: where
 * they are inlined, a rule the engine refuses would otherwise surface as the refusal of a
 * master's whole spec. Throws InvalidInputError (exit 3) with each problem at its rule.
 */
export async function checkSynonymSets(s: Session, resolved: Resolved): Promise<void> {
  const problems: Problem[] = [];
  for (const c of resolved.companions) if (c.kind === 'SynonymSet') problems.push(...(await checkSynonyms(s, c)));
  if (problems.length) throw new InvalidInputError(`${problems.length} problem${problems.length === 1 ? '' : 's'} in companion manifests (the engine's checks, before anything was written)`, problems);
}

/** The answer of a node without the synonym filter (it lives in the analysis-common module). */
const NO_SYNONYM_FILTER = /failed to find (global )?(token )?filter under (?:(?:name|type) )?\[synonym\]|unknown (token )?filter type \[synonym\]/i;

/**
 * Templates apply would write are composed by the engine (`_index_template/_simulate`,
 * read-only) under a pattern of their own and a priority above every template: an index
 * template with the component templates the cluster already holds as declared, a
 * component template that changes on its own. What the engine refuses is a problem at
 * the template.
 */
class TemplateCheck {
  private list?: Promise<IndexTemplateInfo[]>;
  constructor(
    private readonly s: Session,
    private readonly plans: ReadonlyMap<string, CompanionPlan>,
    private readonly declared: readonly ResolvedCompanion[],
  ) {}

  async check(c: Extract<ResolvedCompanion, { kind: 'IndexTemplate' | 'ComponentTemplate' }>): Promise<Problem[]> {
    const cp = this.plans.get(`${c.kind}/${c.name}`);
    if (!cp || cp.blocked) return [];
    const settled = (key: string) => this.plans.get(key)?.action === 'noop';
    let body: Record<string, unknown>;
    if (c.kind === 'ComponentTemplate') {
      if (!writes(cp)) return [];
      body = { template: c.spec.template };
    } else {
      const changed = writes(cp) || cp.dependsOn.some((d) => d.startsWith('ComponentTemplate/') && !settled(d));
      if (!changed) return [];
      // Components apply writes first are checked on their own; those the cluster holds as declared are composed in.
      const composedOf = (c.spec.composed_of ?? []).filter((name) => settled(`ComponentTemplate/${name}`));
      const ids = composedOf.map((name) => this.declared.find((d) => d.kind === 'ComponentTemplate' && d.name === name)?.id ?? name);
      body = { ...(c.spec.template ? { template: c.spec.template } : {}), ...(ids.length ? { composed_of: ids } : {}) };
    }
    const cluster = await this.s.cluster();
    this.list ??= cluster.indexTemplates();
    // Above every template's priority: two of equal priority whose patterns overlap make simulate fail.
    const priority = Math.max(0, ...(await this.list).map((t) => t.priority)) + 1;
    const simulated = await cluster.simulateTemplate({ index_patterns: [`esm-simulate-companion-${c.id}`], priority, ...body });
    if (simulated.kind === 'held') return [];
    const { problemAt } = await import('../manifest/place.js');
    return [await problemAt(c.origin, ['spec'], `the engine refuses ${c.kind === 'IndexTemplate' ? 'index' : 'component'} template ${c.id}: ${simulated.reasons.join('; ')}`)];
  }
}

/** The engine's own words in a ClusterError (`… answered 400 (type: reason)`). */
function engineReason(e: ClusterError): string {
  const m = /answered \d+ \(([\s\S]*)\)(?: while [^()]*)?$/.exec(e.message);
  return (m?.[1] ?? e.message).trim();
}

/** The cluster object a companion kind is. */
export function companionObject(kind: CompanionPlan['kind']): CompanionObject {
  switch (kind) {
    case 'IngestPipeline':
      return 'pipeline';
    case 'IndexTemplate':
      return 'index_template';
    case 'ComponentTemplate':
      return 'component_template';
    case 'StoredScript':
      return 'script';
    case 'SynonymSet':
      return 'synonym_set';
    default:
      return assertNever(kind, 'companion kind');
  }
}

/** The journal entry of a companion's change: `companion_create|update|delete` of `Kind/id` (no master). */
export function companionAction(cp: Pick<CompanionPlan, 'kind' | 'id' | 'action'>): { action: ActionName; master: null; instance: string } {
  const action: ActionName = cp.action === 'create' ? 'companion_create' : cp.action === 'delete' ? 'companion_delete' : 'companion_update';
  return { action, master: null, instance: `${cp.kind}/${cp.id}` };
}

/** The plan's step for one companion: write its body (create, update, adopt) or delete it, recorded. */
export async function applyCompanion(s: Session, cp: CompanionPlan): Promise<void> {
  await s.record(companionAction(cp), async () => {
    const cluster = await s.cluster();
    if (cp.action === 'delete') await cluster.deleteCompanion(companionObject(cp.kind), cp.id);
    else if (cp.body) await cluster.putCompanion(companionObject(cp.kind), cp.id, cp.body);
    else throw new RuntimeError(`internal: the plan writes ${cp.kind} ${cp.id} without a body`);
  });
}
