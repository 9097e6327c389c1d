/** Retention after an activation: keep the newest `keepInactive` inactive instances, drop the rest. */
import type { Instance } from './instances.js';
import type { Step } from './types.js';

/**
 * `instances` are the master's instances in the cluster; `newActive` is the one
 * the alias will point at (possibly not in the cluster yet). Only esm-managed
 * instances are ever dropped; the previous active instance becomes inactive and counts.
 */
export function retentionDrops(instances: Instance[], newActive: string, keepInactive: number): Step[] {
  const inactive = instances
    .filter((i) => i.managed && i.name !== newActive)
    .sort((a, b) => b.number - a.number);
  const keep = Math.max(0, Math.floor(keepInactive));
  const kept = inactive.slice(0, keep);
  const why =
    keep === 0
      ? 'retention keeps no inactive instance (spec.retention.keepInactive: 0)'
      : `retention keeps the ${keep === 1 ? 'newest inactive instance' : `${keep} newest inactive instances`}${kept.length ? ` (${kept.map((i) => i.name).join(', ')})` : ''}`;
  return inactive.slice(keep).map((i) => ({ op: 'drop', index: i.name, reason: why }));
}

/**
 * Drops retention still owes while the active instance stays (an apply killed
 * after its alias swap, or during a drop): retention is part of the desired
 * state. Only instances older than the active one count: a newer one is a
 * pre-created instance, or one a rollback moved away from, and is kept.
 */
export function pendingRetentionDrops(instances: Instance[], active: Instance, keepInactive: number): Step[] {
  return retentionDrops(
    instances.filter((i) => i.number < active.number),
    active.name,
    keepInactive,
  );
}
