/**
 * `esm apply --events` / `esm update --events` on a real node (SPEC §14): a replace
 * of a 200,000-document master streams NDJSON on stdout as it happens — every line valid
 * against schemas/events.schema.json, step and progress events in order, progress at most
 * once a second per step — and ends with a `done` line carrying what --json prints. Runs the
 * built binary through a pipe, as a deploy job reads it. ESM_EVENTS_DOCS sizes the replace
 * (default 200,000; a larger figure is a manual check, e.g. ESM_EVENTS_DOCS=2000000).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseEventLines } from '../support/events-schema.js';
import { tempProject, type TempProject } from '../support/project.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin', 'esm.js');
const DOCS = Number(process.env.ESM_EVENTS_DOCS ?? 200_000);

function manifest(name: string, yearType: string, source = `{ type: ndjson, path: ../data/${name}.ndjson }`): string {
  return `apiVersion: esm/v1
kind: IndexMaster
metadata:
  name: ${name}
spec:
  settings: { number_of_shards: 1, number_of_replicas: 0 }
  mappings:
    dynamic: strict
    properties:
      id: { type: keyword }
      title: { type: text }
      year: { type: ${yearType} }
      updated_at: { type: date }
  source: ${source}
  idField: id
  updatedField: updated_at
  retention: { keepInactive: 0 }
`;
}

/** `n` documents written to `file` in chunks (the test's memory stays small at any size). */
async function writeDocs(file: string, n: number): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  const chunk = 10_000;
  for (let from = 0; from < n; from += chunk) {
    let text = '';
    for (let i = from; i < Math.min(n, from + chunk); i++) text += `{"id":"m-${i}","title":"Movie ${i}","year":${1950 + (i % 70)},"updated_at":"2020-01-01T00:00:00.000Z"}\n`;
    if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

interface Streamed {
  code: number | null;
  stdout: string;
  stderr: string;
  /** When each stdout line arrived (ms since the start). */
  arrivals: number[];
}

/** Runs the built esm with stdout a pipe, noting when each line arrives; `onLine` sees each line (and the process) as it comes. */
function stream(project: TempProject, args: string[], onLine?: (line: string, child: ReturnType<typeof spawn>) => void): Promise<Streamed> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd: project.dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...project.env } });
    let stdout = '';
    let stderr = '';
    const arrivals: number[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const before = stdout.split('\n').length - 1;
      stdout += chunk;
      for (let k = 0; k < chunk.split('\n').length - 1; k++) arrivals.push(Date.now() - t0);
      if (onLine) for (const line of stdout.split('\n').slice(before, -1)) onLine(line, child);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, arrivals }));
  });
}

describe('esm apply --events', () => {
  it(`streams a ${DOCS.toLocaleString('en-US')}-document replace line by line, every line valid, ending with the --json document`, async () => {
    const p = tempProject('events');
    p.manifest('movies', manifest('movies', 'integer'));
    await writeDocs(path.join(p.dir, 'data', 'movies.ndjson'), 10);
    const first = await stream(p, ['apply', '--auto-approve', '--events']);
    expect(first.code, first.stderr).toBe(0);
    parseEventLines(first.stdout);

    // A type change: a new instance, filled with every document, caught up, activated; the old one dropped.
    p.manifest('movies', manifest('movies', 'keyword'));
    await writeDocs(path.join(p.dir, 'data', 'movies.ndjson'), DOCS);
    const r = await stream(p, ['apply', '--auto-approve', '--events']);
    expect(r.code, r.stderr).toBe(0);
    const lines = parseEventLines(r.stdout);

    // Nothing but events on stdout, the plan and progress for people nowhere on it.
    const done = lines.at(-1)!;
    expect(lines.filter((l) => l.event === 'done')).toEqual([done]);
    expect(done).toMatchObject({ event: 'done', ok: true, planId: expect.any(String) });
    expect(done.error).toBeUndefined();

    // Each step: started, then (for the fill) progress, then done — in the plan's order.
    const steps = lines.filter((l) => l.event === 'step_started').map((l) => [l.step, l.index]);
    const movies2 = `${p.prefix}movies-2`;
    expect(steps).toEqual([
      ['create', movies2],
      ['fill', movies2],
      ['catch_up', movies2],
      // The id-set comparison before the activation: a step of its own, rendered like any other.
      ['prune', movies2],
      // The wait for green before the activation (SPEC §13): also a step of its own.
      ['wait', movies2],
      ['activate', movies2],
      ['drop', `${p.prefix}movies-1`],
    ]);
    const fill = lines.filter((l) => l.master === 'movies' && l.step === 'fill');
    expect(fill[0]).toMatchObject({ event: 'step_started', total: DOCS });
    expect(fill.at(-1)).toMatchObject({ event: 'step_done', docs: DOCS, docsPerSecond: expect.any(Number) });
    const progress = fill.filter((l) => l.event === 'progress');
    expect(progress.length, 'a fill of this size lasts more than a second, so it reports progress').toBeGreaterThan(0);
    expect(progress.map((l) => l.docs)).toEqual([...progress.map((l) => l.docs)].sort((a, b) => a - b));
    for (const l of progress) expect(l).toMatchObject({ total: DOCS, docsPerSecond: expect.any(Number), index: movies2 });
    const times = progress.map((l) => Date.parse(l.time));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);

    // Written as it happens: the fill's first line reached the reader well before its last.
    const startedAt = r.arrivals[lines.indexOf(fill[0]!)]!;
    const doneAt = r.arrivals[lines.indexOf(fill.at(-1)!)]!;
    expect(doneAt - startedAt).toBeGreaterThanOrEqual(1000);

    // The done line holds what --json prints: the result of every step.
    expect(done.masters).toHaveLength(1);
    expect(done.masters[0]).toMatchObject({ name: 'movies', ok: true });
    expect(done.masters[0].steps.map((x: { op: string; index: string; status: string }) => [x.op, x.index, x.status])).toEqual(steps.map(([op, index]) => [op, index, 'done']));
    expect(done.masters[0].steps[1]).toMatchObject({ op: 'fill', docs: DOCS });
  }, 600_000);

  it('ends a failed apply with step_failed and a done line carrying the result and the error (exit 1); --json says the same', async () => {
    const p = tempProject('evfail');
    p.write(
      'sources/broken.mjs',
      `export default async function* () { yield { id: '1', title: 'one', year: 2000, updated_at: '2020-01-01T00:00:00Z' }; throw new Error('the source broke'); }\n`,
    );
    p.manifest('movies', manifest('movies', 'integer', '{ type: module, path: ../sources/broken.mjs }'));
    const r = await stream(p, ['apply', '--auto-approve', '--events']);
    expect(r.code).toBe(1);
    const lines = parseEventLines(r.stdout);
    const failed = lines.find((l) => l.event === 'step_failed')!;
    expect(failed).toMatchObject({ master: 'movies', step: 'fill', message: expect.stringContaining('the source broke') });
    const done = lines.at(-1)!;
    expect(done).toMatchObject({ event: 'done', ok: false, error: { code: 'runtime', exitCode: 1 } });
    expect(done.masters[0]).toMatchObject({ name: 'movies', ok: false });
    expect(r.stderr.replace(/^esm: /, '').trimEnd()).toBe(done.error.message);

    // --json: one document with the same result and error.
    const j = await p.cli(['apply', '--auto-approve', '--json']);
    expect(j.code).toBe(1);
    const doc = j.json();
    expect(doc).toMatchObject({ ok: false, error: { code: 'runtime', exitCode: 1, message: expect.stringMatching(/^apply failed for movies/) } });
    expect(Object.keys(doc).sort()).toEqual(Object.keys(done).filter((k) => !['event', 'time', 'master', 'step', 'index', 'docs', 'total', 'docsPerSecond', 'message'].includes(k)).sort());
  });
});

describe('esm apply --events, stopped', () => {
  it('Ctrl-C (SIGINT) mid-fill ends the stream with a done line carrying the interruption (exit 130), every line still valid', async () => {
    const p = tempProject('evint');
    p.manifest('movies', manifest('movies', 'integer'));
    await writeDocs(path.join(p.dir, 'data', 'movies.ndjson'), 200_000);
    let sent = false;
    const r = await stream(p, ['apply', '--auto-approve', '--events'], (line, child) => {
      if (!sent && JSON.parse(line).event === 'progress') {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(sent, 'the fill reported progress before it ended').toBe(true);
    expect(r.code).toBe(130);
    const lines = parseEventLines(r.stdout);
    const done = lines.at(-1)!;
    expect(lines.filter((l) => l.event === 'done')).toEqual([done]);
    expect(done).toMatchObject({ event: 'done', ok: false, error: { code: 'interrupted', exitCode: 130, message: expect.stringMatching(/^interrupted: /) } });
    expect(lines.some((l) => l.event === 'step_done' && l.step === 'activate')).toBe(false);
  }, 300_000);
});

describe('esm update --events', () => {
  it('streams the update and ends with a done line carrying the --json document', async () => {
    const p = tempProject('evupd');
    p.manifest('movies', manifest('movies', 'integer'));
    await writeDocs(path.join(p.dir, 'data', 'movies.ndjson'), 2_000);
    expect((await stream(p, ['apply', '--auto-approve'])).code).toBe(0);
    const r = await stream(p, ['update', 'movies', '--full', '--events']);
    expect(r.code, r.stderr).toBe(0);
    const lines = parseEventLines(r.stdout);
    // The fill, then the id-set comparison that removes what the source no longer has (as apply
    // does), each step's progress between its start and its end, and the done line last.
    expect(lines.filter((l) => l.event !== 'progress').map((l) => [l.event, l.step])).toEqual([
      ['step_started', 'fill'],
      ['step_done', 'fill'],
      ['step_started', 'prune'],
      ['step_done', 'prune'],
      ['done', null],
    ]);
    let current: unknown = null;
    for (const l of lines) {
      if (l.event === 'step_started') current = l.step;
      else if (l.event === 'progress') expect(l.step).toBe(current);
      else if (l.event === 'step_done') current = null;
    }
    const done = lines.at(-1)!;
    expect(done.updates).toEqual([expect.objectContaining({ master: 'movies', index: `${p.prefix}movies-1`, mode: 'full', docs: 2_000 })]);
    const j = (await p.cli(['update', 'movies', '--full', '--json'])).json();
    expect(Object.keys(j)).toEqual(['updates']);
    expect(j.updates[0]).toMatchObject({ master: 'movies', index: `${p.prefix}movies-1`, mode: 'full', docs: 2_000 });
  });
});
