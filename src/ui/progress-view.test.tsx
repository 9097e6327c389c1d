import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import chalk from 'chalk'; // Ink's colour library (a dependency of ink): forced on so that "no colour" can fail.
import { PassThrough } from 'node:stream';
import type { ProgressEvent } from '../apply/events.js';
import type { Step } from '../plan/types.js';
import { progressLines } from '../render/progress-lines.js';
import { initialState, reduce, waitingFor, type ViewState } from './progress-state.js';
import { ProgressView } from './progress-view.js';
import { renderProgress } from './render.js';

const fill: Step = { op: 'fill', index: 'movies-2', mode: 'full', via: 'source' };
const activate: Step = { op: 'activate', alias: 'movies', from: 'movies-1', to: 'movies-2' };
const createBooks: Step = { op: 'create', index: 'books-1', number: 1 };

const events: ProgressEvent[] = [
  { kind: 'master_started', master: 'movies', steps: 2 },
  { kind: 'step_started', master: 'movies', step: fill, index: 0, total: 40000 },
  { kind: 'step_progress', master: 'movies', step: fill, done: 10000, total: 40000, failed: 0, elapsedMs: 2000 },
  { kind: 'master_started', master: 'books', steps: 1 },
  { kind: 'step_started', master: 'books', step: createBooks, index: 0 },
  { kind: 'step_failed', master: 'books', step: createBooks, error: 'index already exists' },
  { kind: 'master_done', master: 'books', ok: false },
];
const ANSI = /\x1b\[/;
const frameOf = (state: ViewState, props: { columns?: number; color?: boolean; tick?: number; elapsedMs?: number } = {}) =>
  render(<ProgressView state={state} {...props} />).lastFrame() ?? '';
const lines = (frame: string) => frame.split('\n');

describe('Ink progress view', () => {
  it('shows a bar, done/total, docs/s and a rounded ETA while a fill runs', () => {
    const frame = frameOf(events.reduce(reduce, initialState), { columns: 120 });
    expect(frame).toContain('movies');
    expect(frame).toContain('fill movies-2');
    expect(frame).toContain('10,000/40,000 docs');
    expect(frame).toContain('5,000 docs/s');
    expect(frame).toContain('ETA 6s');
    expect(frame).toMatch(/\[█+·+\]/);
    expect(frame).toContain('✗');
    expect(frame).toContain('index already exists');
  });

  it('final frame has each master with ✓ and its doc count, and the total time', () => {
    const done: ProgressEvent[] = [
      ...events.slice(0, 3),
      { kind: 'step_done', master: 'movies', step: fill, docs: 40000, elapsedMs: 8000 },
      { kind: 'step_started', master: 'movies', step: activate, index: 1 },
      { kind: 'step_done', master: 'movies', step: activate, elapsedMs: 20 },
      { kind: 'master_done', master: 'movies', ok: true },
    ];
    const frame = frameOf(done.reduce(reduce, initialState), { elapsedMs: 8_450 });
    expect(frame).toMatch(/✓ movies\s+done: 2 steps, 40,000 docs/);
    expect(lines(frame).at(-1)).toBe('Total time: 8.4s');
  });

  it('masters side by side (--parallelism): each active row keeps its own step and count, whatever the interleaving', () => {
    const fillBooks: Step = { op: 'fill', index: 'books-1', mode: 'full', via: 'source' };
    const side: ProgressEvent[] = [
      { kind: 'master_started', master: 'movies', steps: 2 },
      { kind: 'master_started', master: 'books', steps: 2 },
      { kind: 'step_started', master: 'movies', step: fill, index: 0, total: 40000 },
      { kind: 'step_started', master: 'books', step: fillBooks, index: 0, total: 300 },
      { kind: 'step_progress', master: 'books', step: fillBooks, done: 100, total: 300, failed: 0, elapsedMs: 1000 },
      { kind: 'step_progress', master: 'movies', step: fill, done: 10000, total: 40000, failed: 0, elapsedMs: 2000 },
    ];
    const rows = lines(frameOf(side.reduce(reduce, initialState), { columns: 120 }));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/movies.*fill movies-2.*10,000\/40,000 docs/);
    expect(rows[1]).toMatch(/books.*fill books-1.*100\/300 docs/);
  });

  it('create, activate and drop show a spinner and the step, not an empty bar and "0 docs"', () => {
    const state = [events[3]!, events[4]!].reduce(reduce, initialState);
    const a = frameOf(state, { tick: 0 });
    const b = frameOf(state, { tick: 1 });
    expect(a).toMatch(/^⠋ books\s+create books-1$/);
    expect(b).toMatch(/^⠙ books\s+create books-1$/);
    expect(a).not.toMatch(/docs|\[/);
    const activating = reduce(reduce(initialState, events[0]!), { kind: 'step_started', master: 'movies', step: activate, index: 1 });
    expect(frameOf(activating)).toMatch(/^⠋ movies\s+activate movies → movies-2$/);
  });

  it('masters not yet started have a "waiting" row', () => {
    const state = [events[0]!, events[1]!].reduce(reduce, waitingFor(['movies', 'books', 'songs']));
    const rows = lines(frameOf(state));
    expect(rows[0]).toMatch(/movies\s+fill movies-2/);
    expect(rows[1]).toMatch(/^· books\s+waiting$/);
    expect(rows[2]).toMatch(/^· songs\s+waiting$/);
  });

  it('a source without a total (a module) shows the count and the rate, no bar and no ETA', () => {
    const moduleFill: ProgressEvent[] = [
      events[0]!,
      { kind: 'step_started', master: 'movies', step: fill, index: 0 },
      { kind: 'step_progress', master: 'movies', step: fill, done: 12_345, failed: 0, elapsedMs: 5_000 },
    ];
    const frame = frameOf(moduleFill.reduce(reduce, initialState), { columns: 120 });
    expect(frame).toMatch(/fill movies-2 12,345 docs 2,469 docs\/s$/);
    expect(frame).not.toMatch(/\[|ETA/);
  });

  it('an ETA under a second reads "ETA <1s"', () => {
    const state = [events[0]!, events[1]!, { kind: 'step_progress', master: 'movies', step: fill, done: 39_000, total: 40_000, failed: 0, elapsedMs: 10_000 } as ProgressEvent].reduce(
      reduce,
      initialState,
    );
    expect(frameOf(state, { columns: 120 })).toContain('ETA <1s');
  });

  describe.each([60, 72, 80, 120])('at %i columns', (columns) => {
    const long = 'a-master-with-a-rather-long-name';
    const longFill: Step = { op: 'fill', index: `${long}-12`, mode: 'full', via: 'reindex' };
    const all: ProgressEvent[] = [
      ...events,
      { kind: 'master_started', master: long, steps: 3 },
      { kind: 'step_started', master: long, step: longFill, index: 0, total: 1_234_567 },
      { kind: 'step_progress', master: long, step: longFill, done: 654_321, total: 1_234_567, failed: 0, elapsedMs: 61_000 },
      { kind: 'note', message: 'songs: no instance newer than songs-3 (the active one); nothing to update, and this note is long on purpose' },
    ];
    const frame = frameOf(all.reduce(reduce, initialState), { columns });

    it('no line is wider than the terminal, and each row stays on one line', () => {
      for (const line of lines(frame)) expect(line.length, line).toBeLessThanOrEqual(columns);
      expect(lines(frame)).toHaveLength(4);
      expect(lines(frame)[0]).toMatch(/^• |^⠋ movies/);
    });

    it('keeps the step and the count; the bar, rate and ETA as room allows', () => {
      const movies = lines(frame)[0]!;
      expect(movies).toContain('fill movies-2');
      expect(movies).toContain('10,000/40,000 docs');
      if (columns >= 80) expect(movies).toMatch(/\[█+·+\] 10,000\/40,000 docs( 5,000 docs\/s)? ETA 6s$/);
      if (columns === 120) expect(movies).toMatch(/\[█{8}·{22}\] 10,000\/40,000 docs 5,000 docs\/s ETA 6s$/);
      if (columns === 120) expect(lines(frame)[2]).toMatch(/fill a-master-with-a-rather-long-name-12 \(reindex\) \[█+·+\] 654,321\/1,234,567 docs$/);
      expect(lines(frame)[2]).toContain('…'); // the long name is cut, not wrapped
    });
  });

  it('paints colours only when asked: none with color={false} (NO_COLOR, --no-color)', () => {
    const level = chalk.level;
    chalk.level = 1;
    try {
      const state = events.reduce(reduce, initialState);
      expect(frameOf(state, { color: true })).toMatch(ANSI);
      expect(frameOf(state, { color: false })).not.toMatch(ANSI);
    } finally {
      chalk.level = level;
    }
  });
});

describe('renderProgress (the live terminal view)', () => {
  /** A terminal of `columns` that records what Ink writes. */
  const terminal = (columns: number) => {
    const out = Object.assign(new PassThrough(), { columns, isTTY: true });
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    return { out, text: () => text };
  };

  it('fits the terminal, shows waiting masters, and ends with the total time', async () => {
    const t = terminal(72);
    let clock = 1_000;
    const live = renderProgress(t.out, { throttleMs: 0, color: false, masters: ['movies', 'books'], now: () => clock });
    live.emit(events[0]!);
    live.emit(events[1]!);
    live.emit(events[2]!);
    clock += 3_200;
    await live.finish();
    const written = t.text();
    expect(written).toContain('waiting');
    expect(written).toContain('Total time: 3.2s');
    expect(written).not.toMatch(/\x1b\[(?:3\d|9\d|1|2)m/); // no colour or style codes with color: false
    // eslint-disable-next-line no-control-regex
    const visible = written.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    for (const line of visible.split('\n')) expect(line.length, line).toBeLessThanOrEqual(72);
  });
});

describe('plain progress lines (no TTY)', () => {
  it('prints start, throttled progress and end lines without ANSI codes', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    let t = 0;
    const emit = progressLines(out, { intervalMs: 1000, now: () => t });
    emit(events[1]!);
    t = 500;
    emit({ kind: 'step_progress', master: 'movies', step: fill, done: 5000, total: 40000, failed: 0, elapsedMs: 500 });
    t = 2000;
    emit(events[2]!);
    emit({ kind: 'step_done', master: 'movies', step: fill, docs: 40000, elapsedMs: 8000 });
    const lines = text.trim().split('\n');
    expect(lines).toEqual([
      'movies: fill movies-2… (40,000 docs)',
      'movies: fill movies-2 10,000/40,000 (25%) 5,000 docs/s ETA 6s',
      'movies: fill movies-2 done, 40,000 docs in 8.0s',
    ]);
    expect(text).not.toContain('\x1b');
  });

  it('says what a wait waits for, with the shard copies active and how long it waited; a prune counts ids and says what it deleted', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const emit = progressLines(out, { intervalMs: 0 });
    const wait: Step = { op: 'wait', index: 'movies-2', health: 'green' };
    const prune: Step = { op: 'prune', index: 'movies-2' };
    emit({ kind: 'step_started', master: 'movies', step: prune, index: 2, total: 80000 });
    emit({ kind: 'step_done', master: 'movies', step: prune, docs: 3, elapsedMs: 1500, note: 'compared the 40,000 document ids of movies-2 with the source\'s 39,997' });
    emit({ kind: 'step_started', master: 'movies', step: wait, index: 3, total: 6 });
    emit({ kind: 'step_progress', master: 'movies', step: wait, done: 4, total: 6, failed: 0, elapsedMs: 12_000 });
    emit({ kind: 'step_done', master: 'movies', step: wait, elapsedMs: 15_000, note: 'green, 6 of 6 shard copies active, 3 data nodes' });
    expect(text.trim().split('\n')).toEqual([
      'movies: prune movies-2… (80,000 ids)',
      "movies: prune movies-2 done, 3 docs deleted in 1.5s (compared the 40,000 document ids of movies-2 with the source's 39,997)",
      'movies: wait for movies-2 to be green… (6 shard copies)',
      'movies: wait for movies-2 to be green 4 of 6 shard copies active, waited 12.0s',
      'movies: wait for movies-2 to be green done in 15.0s (green, 6 of 6 shard copies active, 3 data nodes)',
    ]);
  });

  it('throttles each master on its own: two masters filling side by side both report', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    let t = 0;
    const emit = progressLines(out, { intervalMs: 1000, now: () => t });
    const fillBooks: Step = { op: 'fill', index: 'books-1', mode: 'full', via: 'source' };
    emit({ kind: 'step_started', master: 'movies', step: fill, index: 0, total: 40000 });
    emit({ kind: 'step_started', master: 'books', step: fillBooks, index: 0, total: 300 });
    t = 1500;
    emit({ kind: 'step_progress', master: 'movies', step: fill, done: 10000, total: 40000, failed: 0, elapsedMs: 1500 });
    emit({ kind: 'step_progress', master: 'books', step: fillBooks, done: 150, total: 300, failed: 0, elapsedMs: 1500 });
    expect(text.trim().split('\n').map((l) => l.split(':')[0])).toEqual(['movies', 'books', 'movies', 'books']);
  });
});

describe('stopping and resuming, as the views show them', () => {
  const resumed: ProgressEvent[] = [
    { kind: 'master_started', master: 'movies', steps: 2 },
    {
      kind: 'step_started',
      master: 'movies',
      step: fill,
      index: 0,
      total: 10_000_000,
      resumedFrom: { docs: 6_400_000, position: { kind: 'key', field: 'id', last: 6_400_000 } },
    },
    { kind: 'step_progress', master: 'movies', step: fill, done: 6_500_000, total: 10_000_000, failed: 0, elapsedMs: 10_000, resumedFrom: 6_400_000 },
  ];

  it('Ink: a resumed fill starts its count where it stopped, says so, and rates only what it sent since', () => {
    const frame = frameOf(resumed.reduce(reduce, initialState), { columns: 160 });
    expect(frame).toContain('6,500,000/10,000,000 docs');
    expect(frame).toContain('10,000 docs/s');
    expect(frame).toContain('resuming movies-2 from 6,400,000 / 10,000,000 (after id 6400000)');
    const started = frameOf(resumed.slice(0, 2).reduce(reduce, initialState), { columns: 160 });
    expect(started).toContain('6,400,000/10,000,000 docs');
  });

  it('Ink: says stopping… at once, and the counters stay where they were', () => {
    const stopping = [...resumed, { kind: 'stopping', signal: 'SIGINT' } as const].reduce(reduce, initialState);
    const frame = frameOf(stopping, { columns: 200 });
    expect(frame).toContain('stopping… (SIGINT): the requests in flight finish and each fill records where it stopped; nothing more starts and no alias moves. Ctrl-C again stops at once');
    const later = reduce(stopping, { kind: 'step_progress', master: 'movies', step: fill, done: 6_600_000, total: 10_000_000, failed: 0, elapsedMs: 11_000, resumedFrom: 6_400_000 });
    expect(frameOf(later, { columns: 200 })).toContain('6,500,000/10,000,000 docs');
    // What the step ends with still shows.
    const failed = reduce(later, { kind: 'step_failed', master: 'movies', step: fill, error: 'filling movies-2 was interrupted at 6,600,000 of 10,000,000 documents' });
    expect(frameOf(failed, { columns: 200 })).toContain('interrupted at 6,600,000');
  });

  it('plain lines: say stopping… at once, and where a resumed fill goes on from, rating only what it sent', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const emit = progressLines(out, { intervalMs: 0, now: () => 1 });
    for (const e of resumed) emit(e);
    emit({ kind: 'stopping', signal: 'SIGTERM' });
    expect(text.trim().split('\n')).toEqual([
      'movies: fill movies-2… (10,000,000 docs)',
      'movies: resuming movies-2 from 6,400,000 / 10,000,000 (after id 6400000)',
      'movies: fill movies-2 6,500,000/10,000,000 (65%) 10,000 docs/s ETA 5m50s',
      'esm: stopping… (SIGTERM): the requests in flight finish and each fill records where it stopped; nothing more starts and no alias moves. A second signal stops at once',
    ]);
  });
});
