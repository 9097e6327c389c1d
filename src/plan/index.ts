/** The pure plan engine (SPEC §7): diff, decide, plan. No I/O. */
export type {
  Decision,
  DeletionMethod,
  DeletionPlan,
  FillEstimate,
  MasterPlan,
  OfflineHistory,
  OfflineMaster,
  OfflinePlan,
  OfflineStatus,
  Plan,
  PlanSummary,
  PlanWarning,
  Step,
  WarningCode,
} from './types.js';
export { DECISIONS, hasChanges } from './types.js';
export type { PlanHistory, PlanIndex, PlanInstanceMeta, PlanInstanceRecord, PlanMasterRecord, PlanSnapshot, RecordedFill } from './inputs.js';
export { createPlan, summarize, type PlanInput } from './plan.js';
export {
  addsDataFields,
  describeChange,
  describeDifference,
  diffSpecs,
  inPlaceBodies,
  type IndexSpec,
  type SpecChange,
  type SpecChangeKind,
  type SpecDiff,
  type Verdict,
} from './diff.js';
export { isDynamicSetting, settingKind, type SettingKind } from './settings-kinds.js';
export { aliasTargets, masterState, type Instance, type MasterState } from './instances.js';
export { retentionDrops } from './retention.js';
export { planOffline } from './offline.js';
