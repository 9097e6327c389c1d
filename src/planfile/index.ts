export { savePlan, assertPlanTarget, loadPlan, assertFresh, staleness } from './planfile.js';
export { clusterHash, sha256 } from './hash.js';
