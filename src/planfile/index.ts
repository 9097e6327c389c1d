export { savePlan, assertPlanTarget, loadPlan, assertFresh } from './planfile.js';
export { clusterHash, stableJson, sha256 } from './hash.js';
