import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { parseInstanceList, parseInstanceName, parseTarget } from './names.js';

const masters = ['movies', 'course-search'];

describe('naming instances the way users type them', () => {
  it.each([
    [['movies'], { kind: 'master', master: 'movies' }],
    [['movies-2'], { kind: 'instance', master: 'movies', number: 2, name: 'qa1_movies-2' }],
    [['qa1_movies-2'], { kind: 'instance', master: 'movies', number: 2, name: 'qa1_movies-2' }],
    [['movies', '2'], { kind: 'instance', master: 'movies', number: 2, name: 'qa1_movies-2' }],
    [['course-search-1'], { kind: 'instance', master: 'course-search', number: 1, name: 'qa1_course-search-1' }],
    [['course-search', '3'], { kind: 'instance', master: 'course-search', number: 3, name: 'qa1_course-search-3' }],
  ])('%j', (args, expected) => {
    expect(parseTarget('qa1_', args, masters)).toEqual(expected);
  });

  it.each([[['films']], [['films-2']], [['movies', 'two']], [[]], [['movies', '2', 'x']]])('refuses %j as invalid input', (args) => {
    expect(() => parseTarget('qa1_', args, masters)).toThrow(InvalidInputError);
  });

  it('names the known masters when one is unknown', () => {
    expect(() => parseTarget('', ['films'], masters)).toThrow(/known masters: movies, course-search/);
  });

  it('recognises instances in the cluster by name', () => {
    expect(parseInstanceName('', 'movies-12', masters)).toEqual({ master: 'movies', number: 12 });
    expect(parseInstanceName('', 'movies', masters)).toBeNull();
    expect(parseInstanceName('', 'films-1', masters)).toBeNull();
  });
});

describe('several instances, as esm drop takes them', () => {
  it('reads names, prefixed names and "master N M", once each', () => {
    expect(parseInstanceList('qa1_', ['movies-1', 'qa1_movies-2', 'course-search', '3', '4', 'movies-1'], masters).map((t) => t.name)).toEqual([
      'qa1_movies-1',
      'qa1_movies-2',
      'qa1_course-search-3',
      'qa1_course-search-4',
    ]);
  });

  it.each([[[]], [['movies']], [['films-1']], [['movies-1', 'films', '2']]])('refuses %j as invalid input', (args) => {
    expect(() => parseInstanceList('', args, masters)).toThrow(InvalidInputError);
  });

  it('takes an instance by name after its master', () => {
    expect(parseTarget('', ['movies', 'movies-3'], masters)).toEqual({ kind: 'instance', master: 'movies', number: 3, name: 'movies-3' });
    expect(() => parseTarget('', ['movies', 'course-search-3'], masters)).toThrow(/not an instance of movies/);
  });
});

describe('foreign-named instances (SPEC §11), by their index names', () => {
  const foreign = [{ name: 'qa1_catalog_2023', master: 'movies' }];

  it('names one alone, with or without the prefix, or after its master', () => {
    const expected = { kind: 'instance', master: 'movies', number: 0, name: 'qa1_catalog_2023' };
    expect(parseTarget('qa1_', ['catalog_2023'], masters, foreign)).toEqual(expected);
    expect(parseTarget('qa1_', ['qa1_catalog_2023'], masters, foreign)).toEqual(expected);
    expect(parseTarget('qa1_', ['movies', 'catalog_2023'], masters, foreign)).toEqual(expected);
    expect(parseInstanceList('qa1_', ['catalog_2023', 'movies-2'], masters, foreign)).toEqual([
      { master: 'movies', number: 0, name: 'qa1_catalog_2023' },
      { master: 'movies', number: 2, name: 'qa1_movies-2' },
    ]);
  });

  it('is unknown without the list, and after another master', () => {
    expect(() => parseTarget('qa1_', ['catalog_2023'], masters)).toThrow(InvalidInputError);
    expect(() => parseTarget('qa1_', ['course-search', 'catalog_2023'], masters, foreign)).toThrow(InvalidInputError);
  });
});
