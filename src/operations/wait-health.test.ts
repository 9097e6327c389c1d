import { describe, expect, it } from 'vitest';
import type { IndexHealth } from '../cluster/index.js';
import { healthReached, shardWords } from './wait-health.js';

const health = (h: Partial<IndexHealth>): IndexHealth => ({
  status: 'yellow',
  activePrimaryShards: 3,
  activeShards: 3,
  initializingShards: 0,
  relocatingShards: 0,
  unassignedShards: 0,
  dataNodes: 3,
  ...h,
});

describe('healthReached', () => {
  it('green is reached for either want; red never', () => {
    expect(healthReached(health({ status: 'green', activeShards: 6 }), 'green')).toBe(true);
    expect(healthReached(health({ status: 'green', activeShards: 6 }), 'yellow')).toBe(true);
    expect(healthReached(health({ status: 'red', activePrimaryShards: 2, activeShards: 2, unassignedShards: 1 }), 'yellow')).toBe(false);
  });

  it('yellow is not enough when green is wanted', () => {
    expect(healthReached(health({ activeShards: 5, initializingShards: 1 }), 'green')).toBe(false);
  });

  it('a wait for yellow waits for every copy the cluster can place: 3 shards, 3 replicas, 3 data nodes → 9 of 12', () => {
    // Right after the replicas are restored: 2 replicas still initializing on nodes that can hold them.
    expect(healthReached(health({ activeShards: 7, initializingShards: 2, unassignedShards: 3 }), 'yellow')).toBe(false);
    // Throttled recoveries: a placeable replica is still unassigned.
    expect(healthReached(health({ activeShards: 8, unassignedShards: 4 }), 'yellow')).toBe(false);
    expect(healthReached(health({ activeShards: 9, unassignedShards: 3 }), 'yellow')).toBe(true);
    // One node: only the primaries can ever be placed.
    expect(healthReached(health({ activeShards: 3, unassignedShards: 3, dataNodes: 1 }), 'yellow')).toBe(true);
  });

  it('says the shard copies by state', () => {
    expect(shardWords(health({ activeShards: 7, initializingShards: 2, unassignedShards: 3 }))).toBe('yellow, 7 of 12 shard copies active (2 initializing, 3 unassigned), 3 data nodes');
  });
});
