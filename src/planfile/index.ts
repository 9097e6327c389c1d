export { savePlan, assertPlanTarget, loadPlan, assertFresh } from './planfile.js';
export { clusterHash, sha256 } from './hash.js';
