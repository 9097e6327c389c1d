/**
 * The decision for one master (SPEC §7), from its manifest and what the cluster
 * and history say about it. Pure: the same input gives the same plan.
 */
import type { Manifest } from '../manifest/types.js';
import { canonicalMappings, fingerprint, shortFingerprint } from '../fingerprint/index.js';
import { addsDataFields, describeChange, describeChangeInReplace, describeDifference, diffSpecs, inPlaceBodies, type IndexSpec } from './diff.js';
import { dynamicSettingsFor, type DynamicSettings } from './dynamic-settings/index.js';
import { dynamicAdditions, dynamicFieldsReason } from './dynamic-fields.js';
import { heldAsRecorded, templateConflicts } from './engine-forms.js';
import type { PlanEngineForm } from './inputs.js';
import type { Adoption, Instance, MasterState } from './instances.js';
import { FOREIGN_NUMBER, instanceOf, reindexFrom } from './naming.js';
import { deletionPlan } from './deletions.js';
import type { PlanUnfinishedFill } from './inputs.js';
import { resumeOf } from './resume.js';
import { reachableHealth, replicaNeed } from './replicas.js';
import { pendingRetentionDrops, retentionDrops } from './retention.js';
import type { DeletionPlan, EmptyFill, MasterPlan, PlanWarning, Step } from './types.js';
import { assertNever } from '../errors.js';

export interface MasterDecision {
  plan: MasterPlan;
  warnings: PlanWarning[];
}

export interface DecideOptions {
  moduleHasIds?: boolean;
  /** Data nodes of the cluster (null or absent: not known): whether an instance can turn green. */
  dataNodes?: number | null;
  /** The engine's dynamic settings (default: dynamic only where every engine's list says so). */
  dynamic?: DynamicSettings;
  /** The module source exports `orderedBy` (its fills can resume). */
  moduleOrdered?: boolean;
  /** The cluster runs `_reindex` server-side (default true). */
  serverReindex?: boolean;
  /** Per instance, a stopped full fill with a checkpoint (the history's). */
  unfinishedFills?: Record<string, PlanUnfinishedFill>;
  /**
   * The engine's form of the manifest's spec (SPEC §7): what the live instance is
   * compared with. Without one (not needed, or the engine cannot say), the manifest's text.
   * A refused form never gets here (createPlan stops first).
   */
  form?: PlanEngineForm;
}

export function decideMaster(manifest: Manifest, state: MasterState, opts: DecideOptions = {}): MasterDecision {
  const held = opts.form?.kind === 'held' ? opts.form : null;
  const decided = decide(manifest, state, opts.dynamic ?? dynamicSettingsFor(undefined, undefined), held, opts);
  return withHealthWait(withDeletions(decided, manifest, opts.moduleHasIds ?? false), manifest, opts.dataNodes);
}

function withDeletions(decided: MasterDecision, manifest: Manifest, moduleHasIds: boolean): MasterDecision {
  const deletions = copiesAndActivates(decided.plan.steps) ? deletionPlan(manifest, moduleHasIds) : null;
  if (!deletions) return decided;
  const steps = comparesIdSets(deletions) ? withPrune(decided.plan.steps) : decided.plan.steps;
  return { ...decided, plan: { ...decided.plan, steps, reasons: [...decided.plan.reasons, deletions.reason], deletions } };
}

/**
 * Before each activation, a `wait` until the instance is green (SPEC §13): its replicas
 * are built once the fill restored them, and applications read it only when it has them.
 * When the cluster has too few data nodes to ever place them, the wait is for yellow and
 * the plan warns.
 */
function withHealthWait(decided: MasterDecision, manifest: Manifest, dataNodes: number | null | undefined): MasterDecision {
  const steps = decided.plan.steps;
  if (!steps.some((s) => s.op === 'activate')) return decided;
  const health = reachableHealth(manifest.spec.settings, dataNodes);
  const waited = steps.flatMap((s): Step[] => (s.op === 'activate' ? [{ op: 'wait', index: s.to, health }, s] : [s]));
  const warnings = [...decided.warnings];
  if (health === 'yellow') {
    const { replicas } = replicaNeed(manifest.spec.settings);
    const to = steps.find((s) => s.op === 'activate')!;
    warnings.push({
      code: 'replicas',
      master: manifest.name,
      message: `${manifest.name} asks for ${replicas} replica${replicas === 1 ? '' : 's'} of each shard and the cluster has ${dataNodes} data node${dataNodes === 1 ? '' : 's'}: a replica is never placed beside a copy of its shard, so ${to.op === 'activate' ? to.to : 'the instance'} can never be green; activation waits for yellow (every primary active). Set number_of_replicas to at most ${Math.max(0, (dataNodes ?? 1) - 1)}, or add data nodes`,
    });
  }
  return { plan: { ...decided.plan, steps: waited }, warnings };
}

/** The deletion method compares the source's ids with the instance's before the activation. */
function comparesIdSets(d: DeletionPlan): boolean {
  return d.method === 'id_set' || d.method === 'deleted_field_and_id_set';
}

/** A `prune` of the instance to activate, right before its activation (after its fill and catch-up). */
function withPrune(steps: Step[]): Step[] {
  return steps.flatMap((s): Step[] => (s.op === 'activate' ? [{ op: 'prune', index: s.to }, s] : [s]));
}

/** Documents are copied into an instance that is then activated: deletions during the copy matter. */
function copiesAndActivates(steps: Step[]): boolean {
  return steps.some((s) => s.op === 'fill' || s.op === 'catch_up') && steps.some((s) => s.op === 'activate');
}

type Held = Extract<PlanEngineForm, { kind: 'held' }>;

function decide(manifest: Manifest, state: MasterState, dynamic: DynamicSettings, held: Held | null, opts: DecideOptions): MasterDecision {
  const desired: IndexSpec = { settings: manifest.spec.settings, mappings: manifest.spec.mappings };
  const fp = manifest.fingerprint;
  const engine = held ? held.spec : desired;
  const ctx: Ctx = { manifest, state, desired, engine, held, fp, short: shortFingerprint(fp), dynamic, opts };
  const decided = decideAll(ctx);
  if (!held) return decided;
  // What the engine will hold is part of the plan: apply records its fingerprint on what it creates or changes.
  const plan: MasterPlan = { ...decided.plan, engineFingerprint: fingerprint(held.spec) };
  return { plan, warnings: [...decided.warnings, ...templateWarnings(ctx)] };
}

function decideAll(ctx: Ctx): MasterDecision {
  const { manifest, state, fp } = ctx;
  const head = {
    name: manifest.name,
    alias: state.alias,
    fingerprint: fp,
    spec: manifest.spec,
    origin: manifest.origin,
    active: state.active?.name ?? null,
    instances: state.instances.map((i) => ({ name: i.name, number: i.number, foreign: i.foreign })),
  };

  let unadoptable: string | null = null;
  if (state.adoption) {
    const mismatch = adoptionMismatch(ctx, state.adoption);
    if (mismatch.length === 0) return { plan: { ...head, ...adopt(ctx, state.adoption) }, warnings: [] };
    unadoptable = `${state.adoption.index.name} does not match the manifest (from the index to the manifest: ${mismatch.join('; ')}), so esm does not adopt it: esm import writes a manifest that matches it`;
  }

  if (state.conflicts.length > 0) {
    // One conflict message per problem: why the index in the way is not adopted belongs to the last.
    const conflicts = state.conflicts.map((c, i) => (unadoptable && i === state.conflicts.length - 1 ? `${c}; ${unadoptable}` : c));
    return {
      plan: { ...head, decision: 'noop', blocked: conflicts.join('; '), steps: [], reasons: [...conflicts] },
      warnings: conflicts.map((message) => ({ code: 'conflict', master: manifest.name, message })),
    };
  }
  const decided = decideInstances(ctx, head);
  // An index that could have been adopted and was not: the plan says why.
  return unadoptable ? { ...decided, plan: { ...decided.plan, reasons: [...decided.plan.reasons, unadoptable] } } : decided;
}

function decideInstances(ctx: Ctx, head: Head): MasterDecision {
  const { manifest, state, fp, dynamic } = ctx;
  const { active, instances } = state;
  if (instances.length === 0) {
    return create(ctx, head, [`no instance of ${manifest.name} exists yet`]);
  }
  if (active && active.fingerprint === fp) {
    const drops = pendingRetentionDrops(instances, active, manifest.spec.retention.keepInactive);
    const reasons = [`${active.name} is active and has the manifest's fingerprint ${ctx.short}`];
    const live = liveCheck(ctx, active);
    if (live.dynamic.length) reasons.push(dynamicFieldsReason(live.dynamic));
    if (drops.length) reasons.push(pendingDropsReason(drops.length));
    return { plan: { ...head, decision: 'noop', steps: drops, reasons, ...dynamicFieldsOf(live.dynamic) }, warnings: live.drift };
  }
  const ready = instances.filter((i) => i !== active && i.fingerprint === fp).at(-1);
  if (ready) return { plan: { ...head, ...catchUpActivate(ctx, ready) }, warnings: [] };
  if (!active) {
    return create(ctx, head, [
      `no active instance: the alias ${state.alias} points at no index, and no instance of ${manifest.name} has the manifest's fingerprint ${ctx.short}`,
    ]);
  }
  const live = liveSpec(active.index);
  const added = dynamicAdditions(canonicalMappings(live.mappings), canonicalMappings(ctx.engine.mappings));
  const diff = diffSpecs({ settings: live.settings, mappings: added.mappings }, ctx.engine, { dynamic });
  const dynamicReasons = added.names.length ? [dynamicFieldsReason(added.names)] : [];
  if (diff.verdict === 'replace') {
    const blocking = diff.changes.filter((c) => !c.inPlace);
    const others = diff.changes.filter((c) => c.inPlace);
    return {
      plan: {
        ...head,
        decision: 'replace',
        ...replaceSteps(ctx, active, true, [
          `a new instance is needed: ${blocking.length} change${blocking.length === 1 ? '' : 's'} cannot be made in place on ${active.name}`,
          ...blocking.map(describeChange),
          ...others.map(describeChangeInReplace),
          ...dynamicReasons,
        ]),
        ...dynamicFieldsOf(added.names),
      },
      warnings: [],
    };
  }

  // in place (or the live index already matches, and only its recorded fingerprint changes)
  const reasons =
    diff.verdict === 'same'
      ? [`${active.name} already matches the manifest; only its recorded fingerprint becomes ${ctx.short}`]
      : [`${active.name} differs from the manifest only in changes the engine takes in place`, ...diff.changes.map(describeChange)];
  reasons.push(...dynamicReasons);
  // The engine's form as the mapping body: it carries what the templates add, so that the index then holds all of it.
  const steps: Step[] = [{ op: 'in_place', index: active.name, ...inPlaceBodies(diff, ctx.engine) }];
  if (addsDataFields(diff)) {
    const refill = fillStep(ctx, active.name, active, 'existing documents get values for new fields only when re-sent');
    if (refill.step) steps.push(refill.step);
    else reasons.push(`existing documents get no value for the new fields: ${refill.why}`);
    if (refill.resumeNote) reasons.push(refill.resumeNote);
  }
  const drops = pendingRetentionDrops(instances, active, manifest.spec.retention.keepInactive);
  if (drops.length) reasons.push(pendingDropsReason(drops.length));
  steps.push(...drops);
  return { plan: { ...head, decision: 'in_place', steps, reasons, ...dynamicFieldsOf(added.names) }, warnings: [] };
}

/**
 * How the index to adopt differs from the manifest (empty: it matches, and is adopted).
 * For a clone, a write block on the index left by an adoption that stopped before its
 * swap (its marker is on the index) does not count: the adoption sets it anyway, and the
 * clone never carries it.
 */
function adoptionMismatch(ctx: Ctx, adoption: Adoption): string[] {
  const live = liveSpec(adoption.index);
  const spec = adoption.kind === 'clone' && adoption.resumes ? { ...live, settings: withoutWriteBlock(live.settings) } : live;
  return diffSpecs(spec, ctx.engine, { dynamic: ctx.dynamic }).changes.map(describeDifference);
}

function withoutWriteBlock(settings: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(settings);
  delete out['blocks.write'];
  delete out['index.blocks.write'];
  const blocks = out['blocks'];
  if (blocks && typeof blocks === 'object' && !Array.isArray(blocks)) {
    delete (blocks as Record<string, unknown>)['write'];
    if (Object.keys(blocks).length === 0) delete out['blocks'];
  }
  return out;
}

/** The steps of an adoption (SPEC §11); the live index matches the manifest. */
function adopt(ctx: Ctx, adoption: Adoption): Pick<MasterPlan, 'decision' | 'steps' | 'reasons' | 'active'> {
  const { alias } = ctx.state;
  const index = adoption.index.name;
  const as = adoption.number === FOREIGN_NUMBER ? `a foreign-named instance of ${ctx.manifest.name}` : `instance ${adoption.number} of ${ctx.manifest.name}`;
  const matches = `${index} matches the manifest (fingerprint ${ctx.short})`;
  switch (adoption.kind) {
    case 'alias':
      return {
        decision: 'adopt',
        active: index,
        steps: [{ op: 'adopt', index, number: adoption.number, via: 'meta' }],
        reasons: [`the alias ${alias} points at ${index}, which esm did not create; ${matches}: esm adopts it as ${as} by writing _meta.esm into it, and nothing else changes`],
      };
    case 'bare':
      return {
        decision: 'adopt',
        active: null,
        steps: [
          { op: 'adopt', index, number: adoption.number, via: 'meta' },
          { op: 'activate', alias, from: null, to: index },
        ],
        reasons: [`${index} has no alias ${alias} yet and esm did not create it; ${matches}: esm adopts it as ${as} by writing _meta.esm into it, then adds the alias ${alias} → ${index} in one _aliases call`],
      };
    case 'clone': {
      const reasons = [
        `an index named ${index} is used by name, and an alias cannot take a name an index has; ${matches}: esm blocks writes on ${index}, clones it to ${adoption.to} (hard links: seconds, not a reindex), removes the index ${index} and adds the alias ${alias} → ${adoption.to} in ONE _aliases call, then lifts the write block`,
        `reads go on: the name is the index until the swap and the alias after (a read that reaches the engine while it applies the swap, tens of milliseconds, can get a 503 that clients retry); writes to ${index} are refused from the block to the swap (seconds; the result says how long)`,
      ];
      if (adoption.leftover) reasons.push(`an earlier adoption stopped before its swap: ${adoption.to} is its unfinished clone, deleted and made again`);
      else if (adoption.resumes) reasons.push(`an earlier adoption of ${index} stopped before its swap: it is run again`);
      return {
        decision: 'adopt',
        active: null,
        steps: [{ op: 'adopt', index, number: adoption.number, via: 'clone', to: adoption.to, ...(adoption.resumes ? { resumes: true as const } : {}) }],
        reasons,
      };
    }
    default:
      return assertNever(adoption, 'adoption');
  }
}

function pendingDropsReason(n: number): string {
  return `retention still owes ${n === 1 ? 'a drop' : `${n} drops`} (an earlier apply stopped before dropping)`;
}

interface Ctx {
  dynamic: DynamicSettings;
  manifest: Manifest;
  state: MasterState;
  /** The manifest's spec. */
  desired: IndexSpec;
  /** The manifest's spec as the engine will hold it (its form), or the manifest's own when the plan has no form. */
  engine: IndexSpec;
  held: Held | null;
  fp: string;
  short: string;
  opts: DecideOptions;
}

type Head = Pick<MasterPlan, 'name' | 'alias' | 'fingerprint' | 'spec' | 'origin' | 'active' | 'instances'>;

function create(ctx: Ctx, head: Head, why: string[]): MasterDecision {
  return { plan: { ...head, decision: 'create', ...replaceSteps(ctx, ctx.state.active, false, why) }, warnings: [] };
}

/**
 * create N, fill, catch-up (a replace with updatedField: the documents changed while
 * the fill ran; a first instance has no alias that applications write through yet),
 * activate, retention.
 */
function replaceSteps(ctx: Ctx, active: Instance | null, catchUp: boolean, why: string[]): Pick<MasterPlan, 'steps' | 'reasons'> {
  const { state, manifest } = ctx;
  const number = state.nextNumber;
  const index = instanceOf(state.alias, number);
  const reasons = [...why];
  const steps: Step[] = [{ op: 'create', index, number }];
  const fill = fillStep(ctx, index, active);
  if (fill.step) {
    steps.push(fill.step);
    if (catchUp && manifest.spec.updatedField) steps.push({ op: 'catch_up', index, since: null, ...fromOf(fill.step) });
  } else {
    reasons.push(`no fill: ${fill.why}`);
    if (fill.empty) steps.push({ op: 'mark_filled', index, why: fill.empty });
  }
  steps.push({ op: 'activate', alias: state.alias, from: active?.name ?? null, to: index });
  steps.push(...retentionDrops(state.instances, index, manifest.spec.retention.keepInactive));
  return { steps, reasons };
}

function catchUpActivate(ctx: Ctx, ready: Instance): Pick<MasterPlan, 'decision' | 'steps' | 'reasons'> {
  const { state, manifest } = ctx;
  const active = state.active;
  const reasons = [`${ready.name} already has the manifest's fingerprint ${ctx.short}: it is brought up to date and activated`];
  const steps: Step[] = [];
  if (!ready.filledAt) {
    const fill = fillStep(ctx, ready.name, active);
    reasons.push(`${ready.name} was never filled`);
    if (fill.resumeNote) reasons.push(fill.resumeNote);
    if (fill.step) {
      steps.push(fill.step);
      // What changed while the stopped fill ran, and since it stopped, in the documents it had sent already.
      if (fill.step.resume && manifest.spec.updatedField) {
        steps.push({ op: 'catch_up', index: ready.name, since: null, ...fromOf(fill.step) });
        reasons.push(`then ${ready.name} catches up the documents changed since the stopped fill started (${fill.step.resume.startedAt})`);
      }
    } else {
      reasons.push(`no fill: ${fill.why}`);
      if (fill.empty) steps.push({ op: 'mark_filled', index: ready.name, why: fill.empty });
    }
  } else if (!manifest.spec.source) {
    reasons.push(`no catch-up: ${noSource}`);
  } else if (manifest.spec.updatedField) {
    const since = ready.lastUpdateAt ?? ready.filledAt;
    const from = readFrom(ctx, active);
    steps.push({ op: 'catch_up', index: ready.name, since, ...(from !== null && from !== ready.name ? { from } : {}) });
    reasons.push(`${ready.name} catches up the documents changed since ${since} (updatedField ${manifest.spec.updatedField})`);
  } else {
    const fill = fillStep(ctx, ready.name, active, 'no updatedField: a catch-up re-sends every document');
    if (fill.step) steps.push(fill.step);
    else reasons.push(`no fill: ${fill.why}`);
  }
  steps.push({ op: 'activate', alias: state.alias, from: active?.name ?? null, to: ready.name });
  steps.push(...retentionDrops(state.instances, ready.name, manifest.spec.retention.keepInactive));
  return { decision: 'catch_up_activate', steps, reasons };
}

const noSource = 'the master has no source, so there are no documents to send';

type FillDecision =
  /** `resumeNote`: a stopped fill of the instance, and whether this one resumes it (for the reasons). */
  | { step: Extract<Step, { op: 'fill' }>; why?: undefined; empty?: undefined; resumeNote?: string }
  /** `empty`: the instance counts as filled with nothing sent (a mark_filled step). */
  | { step?: undefined; why: string; empty?: EmptyFill; resumeNote?: undefined };

/** A full fill of `index`, or why there is none. `active` is the instance a `reindex from: active` source reads. */
function fillStep(ctx: Ctx, index: string, active: Instance | null, reason?: string): FillDecision {
  const source = ctx.manifest.spec.source;
  if (!source) return { why: noSource, empty: 'no_source' };
  if (source.type !== 'reindex') return withResume(ctx, { op: 'fill', index, mode: 'full', via: 'source', ...(reason ? { reason } : {}) });
  const from = readFrom(ctx, active);
  if (from === null) return { why: 'the source reindexes from the active instance, and there is none', empty: 'nothing_to_reindex' };
  if (from === index) return { why: 'the source reindexes from the active instance, which is the instance itself' };
  return withResume(ctx, { op: 'fill', index, mode: 'full', via: 'reindex', from, ...(reason ? { reason } : {}) });
}

/** The fill, resuming a stopped fill of the same instance when its checkpoint allows (plan/resume.ts). */
function withResume(ctx: Ctx, step: Extract<Step, { op: 'fill' }>): FillDecision {
  const r = resumeOf(ctx.manifest, step, ctx.opts.unfinishedFills?.[step.index], {
    moduleOrdered: ctx.opts.moduleOrdered ?? false,
    serverReindex: ctx.opts.serverReindex ?? true,
  });
  return r.note === null ? { step } : { step: r.resume ? { ...step, resume: r.resume } : step, resumeNote: r.note };
}

/** What a `reindex` source reads: the active instance (`from: active`; null when there is none), or another master's alias. */
function readFrom(ctx: Ctx, active: Instance | null): string | null {
  const source = ctx.manifest.spec.source;
  return source?.type === 'reindex' ? reindexFrom(source, ctx.state.prefix, active?.name ?? null) : null;
}

function fromOf(step: Extract<Step, { op: 'fill' }>): { from?: string } {
  return step.from !== undefined ? { from: step.from } : {};
}

function liveSpec(index: Instance['index']): IndexSpec {
  return { settings: index.settings, mappings: index.mappings };
}

/**
 * The active instance, which has the manifest's fingerprint, against what it was
 * created with: the engine's form of the spec (its defaults and the templates of its
 * name do not count as drift). Fields dynamic mapping added are not drift either: they
 * are listed once. Known without the engine when a recorded fingerprint matches.
 */
function liveCheck(ctx: Ctx, active: Instance): { drift: PlanWarning[]; dynamic: string[] } {
  const known = heldAsRecorded(active, ctx.manifest);
  if (known) return { drift: [], dynamic: known.dynamic };
  const live = liveSpec(active.index);
  const added = dynamicAdditions(canonicalMappings(live.mappings), canonicalMappings(ctx.engine.mappings));
  const diff = diffSpecs(ctx.engine, { settings: live.settings, mappings: added.mappings }, { dynamic: ctx.dynamic });
  if (diff.changes.length === 0) return { drift: [], dynamic: added.names };
  const message = `${active.name} differs from the spec it was created with (${ctx.short}): ${diff.changes.map(describeDifference).join('; ')}`;
  return { drift: [{ code: 'drift', master: ctx.manifest.name, message }], dynamic: added.names };
}

function dynamicFieldsOf(names: string[]): Pick<MasterPlan, 'dynamicFields'> {
  return names.length ? { dynamicFields: names } : {};
}

/** A template that applies to the name and declares what the manifest declares otherwise (SPEC §11 "Templates"). */
function templateWarnings(ctx: Ctx): PlanWarning[] {
  const template = ctx.held?.template;
  if (!template) return [];
  const conflicts = templateConflicts(ctx.desired, template.spec);
  if (conflicts.length === 0) return [];
  const composed = template.info.composedOf.length ? ` (composed of ${template.info.composedOf.join(', ')})` : '';
  return [
    {
      code: 'template_conflict',
      master: ctx.manifest.name,
      message: `index template ${template.info.name}${composed} matches ${ctx.manifest.name}'s instances and declares otherwise what the manifest declares; the manifest's declaration wins when esm creates an instance: ${conflicts.join('; ')}`,
    },
  ];
}
