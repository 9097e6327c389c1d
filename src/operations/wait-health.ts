/**
 * The plan's `wait` step, before an activation (SPEC §13): waits until the instance
 * is green (every primary and replica shard copy active) — or yellow, where the plan
 * found that the cluster can never place its replicas — reading its health about once
 * a second and reporting the shard copies active. Bounded by `timeoutMs` (`esm apply
 * --wait-timeout`): past it, the step fails saying which copies are missing and why,
 * in the engine's words, and the alias stays where it was. Changes nothing in the
 * cluster, so it records no action of its own.
 */
import type { IndexHealth } from '../cluster/index.js';
import { formatDuration } from '../config/duration.js';
import { RuntimeError } from '../errors.js';
import type { Session } from './session.js';

/** `esm apply --wait-timeout`'s default (SPEC §13). */
export const DEFAULT_WAIT_TIMEOUT_MS = 30 * 60_000;
const POLL_MS = 1000;

export interface WaitOptions {
  timeoutMs?: number;
  /** The command to run again once the cluster can place the shards (default `esm apply`). */
  again?: string;
  /** Between two reads of the health (default 1 s). */
  pollMs?: number;
  onStart?: ((info: { total: number | undefined }) => void) | undefined;
  /** Shard copies active (`done`) of all the index has (`total`). */
  onProgress?: ((p: { done: number; total: number | undefined; failed: number; elapsedMs: number }) => void) | undefined;
}

export interface WaitResult {
  health: IndexHealth;
  waitedMs: number;
}

export async function waitForHealth(s: Session, index: string, want: 'green' | 'yellow', opts: WaitOptions = {}): Promise<WaitResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  const cluster = await s.cluster();
  const t0 = Date.now();
  let started = false;
  for (;;) {
    const h = await cluster.indexHealth(index, s.signal);
    const copies = h.activeShards + h.initializingShards + h.unassignedShards;
    if (!started) {
      started = true;
      opts.onStart?.({ total: copies });
    }
    const waitedMs = Date.now() - t0;
    opts.onProgress?.({ done: h.activeShards, total: copies, failed: 0, elapsedMs: waitedMs });
    if (healthReached(h, want)) return { health: h, waitedMs };
    if (waitedMs >= timeoutMs) {
      const why = await cluster.unassignedReason(index);
      throw new RuntimeError(
        `${index} did not turn ${want} within ${formatDuration(timeoutMs)} (--wait-timeout): ${shardWords(h)}${why ? `; ${why}` : ''}. ` +
          `It was not activated: the alias stays where it was. Run ${opts.again ?? 'esm apply'} again once the cluster can place its shards, or give it longer with --wait-timeout`,
      );
    }
    await sleepOrAbort(Math.min(opts.pollMs ?? POLL_MS, timeoutMs - waitedMs), s.signal);
    if (s.signal?.aborted) throw new RuntimeError(`waiting for ${index} to turn ${want} was interrupted: it was not activated`);
  }
}

/**
 * Green; or, where the plan found the cluster can never place every replica, yellow with
 * every copy it can place active: a primary and up to one replica on each other data node
 * (a replica still initializing on a node that can hold it is waited for).
 */
export function healthReached(h: IndexHealth, want: 'green' | 'yellow'): boolean {
  if (h.status === 'green') return true;
  if (want !== 'yellow' || h.status !== 'yellow') return false;
  const primaries = h.activePrimaryShards;
  if (primaries === 0) return false;
  const copies = h.activeShards + h.initializingShards + h.unassignedShards;
  const replicas = Math.round(copies / primaries) - 1;
  const placeable = primaries * (1 + Math.min(replicas, Math.max(0, h.dataNodes - 1)));
  return h.activeShards >= placeable;
}

/** `yellow, 4 of 6 shard copies active (1 initializing, 1 unassigned), 3 data nodes` */
export function shardWords(h: IndexHealth): string {
  const copies = h.activeShards + h.initializingShards + h.unassignedShards;
  const pending = [h.initializingShards ? `${h.initializingShards} initializing` : null, h.unassignedShards ? `${h.unassignedShards} unassigned` : null].filter(Boolean);
  return `${h.status}, ${h.activeShards} of ${copies} shard copies active${pending.length ? ` (${pending.join(', ')})` : ''}, ${h.dataNodes} data node${h.dataNodes === 1 ? '' : 's'}`;
}

/** Wait `ms`, or less when the signal aborts (no rejection: the caller checks the signal). */
function sleepOrAbort(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}
