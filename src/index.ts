/**
 * esm as a library: the same functions the commands call (STYLE habit 5).
 *
 *   import { Session, resolveConfig, applyPlan } from 'esm-migrations';
 *   const config = await resolveConfig({ prefix: 'qa1_' }, process.env, process.cwd());
 *   const s = new Session(config);
 *   const { plan, result } = await applyPlan(s); // esm apply --auto-approve
 *   await s.close();
 */

// Errors and exit codes
export * from './errors.js';

// Configuration
export { resolveConfig, mergeConfig, DEFAULTS as CONFIG_DEFAULTS, type ConfigFlags } from './config/resolve.js';
export type { EsmConfig, Auth } from './config/types.js';

// Manifests and fingerprints (pure)
export { loadManifests, parseManifestTexts } from './manifest/index.js';
export { loadConfigFile } from './config/config-file.js';
export type { Manifest, MasterSpec, SourceSpec } from './manifest/types.js';
export { fingerprint, shortFingerprint, canonicalSettings, canonicalMappings } from './fingerprint/index.js';

// The plan: pure computation, renderers, saved plans
export { createPlan, diffSpecs, planOffline, hasChanges, type PlanInput } from './plan/index.js';
export type { Plan, MasterPlan, Step, Decision, PlanWarning, PlanSummary, OfflinePlan } from './plan/index.js';
export { renderPlanText } from './render/plan-text.js';
export { renderPlanMarkdown } from './render/plan-markdown.js';
export { renderPlanJson } from './render/plan-json.js';
export { savePlan, loadPlan, assertFresh, clusterHash } from './planfile/index.js';

// A session and the operations the commands run
export { Session, type SessionOptions } from './operations/session.js';
export { computePlan, computeOfflinePlan } from './operations/plan.js';
export { applyPlan, resetCluster, withApplyLock, type Applied, type ApplyOptions, type ResetOptions } from './apply/apply-plan.js';
export { executePlan, type ApplyResult, type ExecuteOptions } from './apply/executor.js';
export { stepProblems } from './plan/preconditions.js';
export type { ProgressEvent, Emit } from './apply/events.js';
export { eventStream, eventLine, type EventLine, type EventName } from './render/events-ndjson.js';
export { errorJson, type ErrorJson } from './render/error-json.js';
export { createInstance, type CreateResult } from './operations/create.js';
export { runFill, type FillResult } from './operations/fill.js';
export { resolveUpdateTargets, planUpdate, runUpdates, type UpdateMode } from './operations/update.js';
export { activateInstance, rollback, type ActivateResult } from './operations/activate.js';
export { dropInstances, dropOlder } from './operations/drop.js';
export { clearInstance } from './operations/clear.js';
export { pruneMissing, type PruneResult } from './operations/prune.js';
export { listMasters, listingJson, type Listing } from './operations/list.js';
export { listHistory } from './operations/history.js';
export { rebuildState } from './operations/rebuild.js';
export { importMasters, type ImportOptions, type ImportResult, type ImportedMaster, type ImportDocument } from './operations/import.js';
export { adoptIndex, type AdoptTarget, type AdoptResult } from './operations/adopt.js';

// Lower layers, for tools built on esm
export { connect, type Cluster } from './cluster/index.js';
export type { ClusterSnapshot, IndexSnapshot, InstanceMeta } from './cluster/types.js';
export { HistoryStore } from './history/index.js';
export type { ActionRecord, ActionName, ActionStatus } from './history/types.js';
export { openSource } from './sources/index.js';
export { SortedIds, idsNotIn, type IdCursor } from './operations/id-sets.js';
export type { Doc, DocumentSource } from './sources/types.js';

// The CLI itself, for embedding
export { run } from './cli.js';
