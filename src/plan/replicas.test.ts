import { describe, expect, it } from 'vitest';
import { reachableHealth, replicaNeed } from './replicas.js';

describe('replicaNeed / reachableHealth', () => {
  it.each([
    [{}, 1, false],
    [{ number_of_replicas: 0 }, 0, false],
    [{ 'index.number_of_replicas': '2' }, 2, false],
    [{ index: { number_of_replicas: 3 } }, 3, false],
    [{ auto_expand_replicas: '0-1' }, 0, true],
    [{ index: { auto_expand_replicas: '1-all' } }, 1, true],
    [{ auto_expand_replicas: 'false', number_of_replicas: 2 }, 2, false],
  ])('%j asks for %i replicas (auto-expand %s)', (settings, replicas, autoExpand) => {
    expect(replicaNeed(settings)).toEqual({ replicas, autoExpand });
  });

  it('green needs a data node more than the replicas; unknown nodes count as able', () => {
    expect(reachableHealth({ number_of_replicas: 1 }, 1)).toBe('yellow');
    expect(reachableHealth({ number_of_replicas: 1 }, 2)).toBe('green');
    expect(reachableHealth({ number_of_replicas: 0 }, 1)).toBe('green');
    expect(reachableHealth({}, 1)).toBe('yellow');
    expect(reachableHealth({ number_of_replicas: 9 }, null)).toBe('green');
    expect(reachableHealth({ number_of_replicas: 9 }, undefined)).toBe('green');
  });
});
