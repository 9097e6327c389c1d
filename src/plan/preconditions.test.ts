import { describe, expect, it } from 'vitest';
import { aMasterPlan, aPlan } from '../../test/support/plan-builders.js';
import { stepProblems, type World } from './preconditions.js';
import type { Plan, Step } from './types.js';

const planOf = (steps: Step[]): Plan => aPlan({ masters: [aMasterPlan({ name: 'movies', steps })] });

const world = (indices: Record<string, boolean>, aliases: Record<string, string[]> = {}): World => ({
  indices: new Map(Object.entries(indices).map(([name, filled]) => [name, { filled }])),
  aliases: new Map(Object.entries(aliases)),
});

const replace: Step[] = [
  { op: 'create', index: 'movies-2', number: 2 },
  { op: 'fill', index: 'movies-2', mode: 'full', via: 'source' },
  { op: 'catch_up', index: 'movies-2', since: null },
  { op: 'activate', alias: 'movies', from: 'movies-1', to: 'movies-2' },
  { op: 'drop', index: 'movies-1', reason: 'retention' },
];

describe('stepProblems', () => {
  it('finds none when the world is the one the plan was made from, the steps moving it forward', () => {
    expect(stepProblems(planOf(replace), world({ 'movies-1': true }, { movies: ['movies-1'] }))).toEqual([]);
  });

  it.each<[string, World, string]>([
    ['the new instance exists already', world({ 'movies-1': true, 'movies-2': false }, { movies: ['movies-1'] }), 'movies step 1 (create movies-2): movies-2 exists already'],
    ['the alias moved', world({ 'movies-1': true, 'movies-0': true }, { movies: ['movies-0'] }), 'movies step 4 (activate movies → movies-2): the alias movies points at movies-0, not movies-1'],
    ['the alias is gone', world({ 'movies-1': true }), 'movies step 4 (activate movies → movies-2): the alias movies points at no index, not movies-1'],
  ])('names the first step that no longer fits: %s', (_what, now, problem) => {
    expect(stepProblems(planOf(replace), now)).toEqual([problem]);
  });

  it('refuses to activate an instance nothing filled, and to drop the active one', () => {
    const activate: Step[] = [{ op: 'activate', alias: 'movies', from: null, to: 'movies-1' }];
    expect(stepProblems(planOf(activate), world({ 'movies-1': false }))).toEqual(['movies step 1 (activate movies → movies-1): movies-1 was never filled']);
    expect(stepProblems(planOf([{ op: 'mark_filled', index: 'movies-1', why: 'no_source' }, ...activate]), world({ 'movies-1': false }))).toEqual([]);
    const drop: Step[] = [{ op: 'drop', index: 'movies-1', reason: 'retention' }];
    expect(stepProblems(planOf(drop), world({ 'movies-1': true }, { movies: ['movies-1'] }))).toEqual(['movies step 1 (drop movies-1): movies-1 is the active instance of movies']);
  });

  it('refuses a catch-up "since the fill" with no fill before it, and a fill from an index that is gone', () => {
    expect(stepProblems(planOf([{ op: 'catch_up', index: 'movies-1', since: null }]), world({ 'movies-1': true }))).toEqual([
      'movies step 1 (catch_up movies-1): no fill of movies-1 comes before it',
    ]);
    expect(stepProblems(planOf([{ op: 'fill', index: 'movies-1', mode: 'full', via: 'reindex', from: 'films' }]), world({ 'movies-1': false }))).toEqual([
      'movies step 1 (fill movies-1): films, which it reindexes from, does not exist',
    ]);
  });
});
