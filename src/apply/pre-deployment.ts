/**
 * The plan as `esm apply --no-activate` will run it: the steps it skips (activate,
 * drop, anything that touches the live index) are left out and named in the
 * master's reasons, so that the plan shown is the plan performed.
 */
import { summarize } from '../plan/plan.js';
import type { Plan } from '../plan/types.js';
import { stepLabel } from './events.js';
import { noActivateCompanion, noActivateSkip } from './executor.js';

export function preDeploymentPlan(plan: Plan): Plan {
  // Companions that live indices use are changed after the deployment; new ones are created now.
  const companions = plan.companions?.map((c) =>
    noActivateCompanion(c, { noActivate: true }) === null ? c : { ...c, action: c.action === 'delete' ? ('orphan' as const) : ('noop' as const), reasons: [...c.reasons, `after the deployment, esm apply: ${c.action} ${c.kind} ${c.id}`] },
  );
  const masters = plan.masters.map((m) => {
    const deferred = m.steps.filter((s) => noActivateSkip(s, m, { noActivate: true }) !== null);
    if (deferred.length === 0) return m;
    const steps = m.steps.filter((s) => !deferred.includes(s));
    const later = `after the deployment, esm apply: ${deferred.map(stepLabel).join(', ')}`;
    return steps.length === 0 ? { ...m, decision: 'noop' as const, steps, reasons: [later] } : { ...m, steps, reasons: [...m.reasons, later] };
  });
  return { ...plan, masters, ...(companions ? { companions } : {}), summary: summarize(masters, companions) };
}
