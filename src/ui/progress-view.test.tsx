import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { PassThrough } from 'node:stream';
import type { ProgressEvent } from '../apply/events.js';
import type { Step } from '../plan/types.js';
import { progressLines } from '../render/progress-lines.js';
import { initialState, reduce } from './progress-state.js';
import { ProgressView } from './progress-view.js';

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

describe('Ink progress view', () => {
  it('shows a bar, done/total, docs/s and ETA while a fill runs', () => {
    const state = events.reduce(reduce, initialState);
    const { lastFrame } = render(<ProgressView state={state} />);
    const frame = lastFrame() ?? '';
    expect(frame).toContain('movies');
    expect(frame).toContain('fill movies-2');
    expect(frame).toContain('10,000/40,000 docs');
    expect(frame).toContain('5,000 docs/s');
    expect(frame).toContain('ETA 6.0s');
    expect(frame).toMatch(/\[█+·+\]/);
    expect(frame).toContain('✗');
    expect(frame).toContain('index already exists');
  });

  it('final frame has each master with ✓ and its doc count', () => {
    const done: ProgressEvent[] = [
      ...events.slice(0, 3),
      { kind: 'step_done', master: 'movies', step: fill, docs: 40000, elapsedMs: 8000 },
      { kind: 'step_started', master: 'movies', step: activate, index: 1 },
      { kind: 'step_done', master: 'movies', step: activate, elapsedMs: 20 },
      { kind: 'master_done', master: 'movies', ok: true },
    ];
    const { lastFrame } = render(<ProgressView state={done.reduce(reduce, initialState)} />);
    expect(lastFrame()).toMatch(/✓ movies\s+done: 2 steps, 40,000 docs/);
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
      'movies: fill movies-2 10,000/40,000 (25%) 5,000 docs/s ETA 6.0s',
      'movies: fill movies-2 done, 40,000 docs in 8.0s',
    ]);
    expect(text).not.toContain('\x1b');
  });
});
