import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../apply/events.js';
import type { Step } from '../plan/types.js';
import { eventsSchema, parseEventLines } from '../../test/support/events-schema.js';
import { errorJson } from './error-json.js';
import { eventLine, eventStream, EVENT_NAMES } from './events-ndjson.js';

const fill: Step = { op: 'fill', index: 'movies-2', mode: 'full', via: 'source' };
const activate: Step = { op: 'activate', alias: 'movies', from: 'movies-1', to: 'movies-2' };

/** A stream on a clock the test moves. */
function stream() {
  let t = Date.parse('2025-06-01T12:00:00.000Z');
  const out: string[] = [];
  const emit = eventStream((line) => out.push(line), { now: () => t });
  return {
    emit: (e: ProgressEvent) => emit(e),
    advance: (ms: number) => (t += ms),
    lines: () => parseEventLines(out.join('')),
    raw: out,
  };
}

describe('eventStream', () => {
  it('writes one JSON object a line, each with every key, for the steps of a run', () => {
    const s = stream();
    s.emit({ kind: 'master_started', master: 'movies', steps: 2 });
    s.emit({ kind: 'step_started', master: 'movies', step: fill, index: 1, total: 200 });
    s.advance(1500);
    s.emit({ kind: 'step_progress', master: 'movies', step: fill, done: 100, total: 200, failed: 0, elapsedMs: 1500 });
    s.emit({ kind: 'step_done', master: 'movies', step: fill, docs: 200, elapsedMs: 2000 });
    s.emit({ kind: 'step_started', master: 'movies', step: activate, index: 2 });
    s.emit({ kind: 'step_failed', master: 'movies', step: activate, error: 'minDocRatio: movies-2 holds 200 docs' });
    s.emit({ kind: 'master_done', master: 'movies', ok: false });
    expect(s.raw.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(s.lines()).toEqual([
      { event: 'step_started', time: '2025-06-01T12:00:00.000Z', master: 'movies', step: 'fill', index: 'movies-2', docs: null, total: 200, docsPerSecond: null, message: 'fill movies-2 (200 docs)' },
      {
        event: 'progress',
        time: '2025-06-01T12:00:01.500Z',
        master: 'movies',
        step: 'fill',
        index: 'movies-2',
        docs: 100,
        total: 200,
        docsPerSecond: 67,
        message: 'fill movies-2 100/200 (50%) 67 docs/s ETA 2s',
      },
      { event: 'step_done', time: '2025-06-01T12:00:01.500Z', master: 'movies', step: 'fill', index: 'movies-2', docs: 200, total: null, docsPerSecond: 100, message: 'fill movies-2 done, 200 docs in 2.0s' },
      { event: 'step_started', time: '2025-06-01T12:00:01.500Z', master: 'movies', step: 'activate', index: 'movies-2', docs: null, total: null, docsPerSecond: null, message: 'activate movies → movies-2' },
      { event: 'step_failed', time: '2025-06-01T12:00:01.500Z', master: 'movies', step: 'activate', index: 'movies-2', docs: null, total: null, docsPerSecond: null, message: 'minDocRatio: movies-2 holds 200 docs' },
    ]);
  });

  it('stamps a progress line with the moment its interval was measured to, so that two are never closer than a second', () => {
    // The clock each emit sees: its first reading, then (a garbage collection between the check and the stamp, say) later ones.
    let readings: number[] = [];
    const now = () => Date.parse('2025-06-01T12:00:00.000Z') + (readings.length > 1 ? readings.shift()! : readings[0]!);
    const out: string[] = [];
    const emit = eventStream((line) => out.push(line), { now });
    readings = [0];
    emit({ kind: 'step_started', master: 'movies', step: fill, index: 1, total: 200 });
    readings = [1000, 1008];
    emit({ kind: 'step_progress', master: 'movies', step: fill, done: 50, total: 200, failed: 0, elapsedMs: 1000 });
    readings = [2000];
    emit({ kind: 'step_progress', master: 'movies', step: fill, done: 100, total: 200, failed: 0, elapsedMs: 2000 });
    const times = parseEventLines(out.join(''))
      .filter((l) => l.event === 'progress')
      .map((l) => Date.parse(l.time));
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1000);
  });

  it('writes progress at most once a second for each running step', () => {
    const s = stream();
    const other: Step = { ...fill, index: 'books-2' };
    s.emit({ kind: 'step_started', master: 'movies', step: fill, index: 1 });
    s.emit({ kind: 'step_started', master: 'books', step: other, index: 1 });
    for (let i = 1; i <= 50; i++) {
      s.advance(100);
      s.emit({ kind: 'step_progress', master: 'movies', step: fill, done: i * 10, failed: 0, elapsedMs: i * 100 });
      s.emit({ kind: 'step_progress', master: 'books', step: other, done: i * 10, failed: 0, elapsedMs: i * 100 });
    }
    const progress = s.lines().filter((l) => l.event === 'progress');
    for (const master of ['movies', 'books']) {
      const times = progress.filter((l) => l.master === master).map((l) => Date.parse(l.time));
      expect(times).toHaveLength(5);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
    }
  });

  it('turns skipped steps and notes into warnings', () => {
    const s = stream();
    s.emit({ kind: 'step_skipped', master: 'movies', step: activate, reason: 'not run with --no-activate' });
    s.emit({ kind: 'note', message: 'movies has no instance newer than movies-1: skipped' });
    expect(s.lines().map((l) => [l.event, l.master, l.step, l.message])).toEqual([
      ['warning', 'movies', 'activate', 'activate movies → movies-2 skipped: not run with --no-activate'],
      ['warning', null, null, 'movies has no instance newer than movies-1: skipped'],
    ]);
  });
});

describe('the done line', () => {
  it('carries the --json document, and the error of a failed run', () => {
    const ok = parseEventLines(eventLine('done', new Date('2025-06-01T12:00:00Z'), { message: 'Apply complete: 1 master changed.' }, { planId: 'p', masters: [], ok: true }));
    expect(ok[0]).toEqual({ event: 'done', time: '2025-06-01T12:00:00.000Z', master: null, step: null, index: null, docs: null, total: null, docsPerSecond: null, message: 'Apply complete: 1 master changed.', planId: 'p', masters: [], ok: true });
    const failed = errorJson({ code: 'runtime', exitCode: 1, message: 'apply failed for movies' });
    const line = parseEventLines(eventLine('done', new Date(), { message: 'apply failed for movies' }, { planId: 'p', masters: [], ok: false, ...failed }))[0]!;
    expect(line.error).toEqual({ code: 'runtime', exitCode: 1, message: 'apply failed for movies', file: null, line: null, column: null });
  });

  it('is what the schema requires: a done line with neither a result nor an error is refused, and so is an unknown key elsewhere', () => {
    expect(() => parseEventLines(eventLine('done', new Date(), {}))).toThrow(/does not match/);
    expect(() => parseEventLines(eventLine('step_done', new Date(), { master: 'm', step: 'fill', message: 'x' }, { extra: 1 }))).toThrow(/does not match/);
    expect(() => parseEventLines(eventLine('progress', new Date(), { master: 'm', step: 'fill', message: 'x' }))).toThrow(/does not match/);
  });
});

describe('schemas/events.schema.json', () => {
  it('names the events the renderer writes, and describes every property', () => {
    expect((eventsSchema['properties'] as any).event.enum).toEqual([...EVENT_NAMES]);
    const undocumented: string[] = [];
    const walk = (s: any, at: string) => {
      for (const group of ['properties', 'definitions']) {
        for (const [k, v] of Object.entries((s?.[group] ?? {}) as Record<string, any>)) {
          if (at === '#' || !at.includes('/allOf')) if (typeof v.description !== 'string') undocumented.push(`${at}/${group}/${k}`);
          walk(v, `${at}/${group}/${k}`);
        }
      }
      if (s?.items) walk(s.items, `${at}/items`);
    };
    walk(eventsSchema, '#');
    expect(undocumented).toEqual([]);
  });
});

describe('eventStream: resuming and stopping', () => {
  it('a resumed fill starts at the documents it had, and rates only what it sends; a stop is a warning, valid lines all', () => {
    const s = stream();
    s.emit({ kind: 'step_started', master: 'movies', step: fill, index: 0, total: 1000, resumedFrom: { docs: 600, position: { kind: 'key', field: 'id', last: 600 } } });
    s.advance(2000);
    s.emit({ kind: 'step_progress', master: 'movies', step: fill, done: 800, total: 1000, failed: 0, elapsedMs: 2000, resumedFrom: 600 });
    s.emit({ kind: 'stopping', signal: 'SIGINT' });
    const [started, progress, stopping] = s.lines();
    expect(started).toMatchObject({ event: 'step_started', docs: 600, total: 1000, message: 'fill movies-2 (1,000 docs); resuming movies-2 from 600 / 1,000 (after id 600)' });
    expect(progress).toMatchObject({ event: 'progress', docs: 800, docsPerSecond: 100 });
    expect(stopping).toMatchObject({ event: 'warning', master: null, message: expect.stringMatching(/^stopping… \(SIGINT\): the requests in flight finish/) });
  });
});
