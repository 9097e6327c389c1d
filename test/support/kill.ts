/**
 * A fill stopped from outside, as a person or a scheduler stops it: the built CLI in a
 * child process, killed (or sent a signal) once the history shows that its fill has
 * recorded a checkpoint of at least `minDocs` documents.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { HistoryStore, type FillCheckpoint } from '../../src/history/index.js';
import type { TempProject } from './project.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/esm.js');

export interface Stopped {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The checkpoint's documents when the signal was sent (a later one may have been recorded before it landed). */
  sawDocs: number;
  /** Milliseconds from the start of the process to the signal. */
  afterMs: number;
}

/** The newest checkpoint recorded on a running `update` of `index`, or null. */
export async function runningCheckpoint(statePath: string, index: string): Promise<FillCheckpoint | null> {
  if (!existsSync(statePath)) return null;
  try {
    const store = await HistoryStore.open(statePath, { readOnly: true });
    try {
      const row = store.listActions().find((a) => a.action === 'update' && a.instance === index && a.status === 'in_progress');
      return row?.checkpoint ?? null;
    } finally {
      store.close();
    }
  } catch {
    return null; // a file being replaced at that moment: read again next time
  }
}

/**
 * Runs `esm argv` in the project (checkpoints every 200 ms) and sends `signal` (default
 * SIGKILL) once `when()` holds (polled every 50 ms). Fails when the process ends first.
 */
export async function killWhen(
  p: TempProject,
  argv: string[],
  opts: { when: () => Promise<boolean>; what: string; signal?: NodeJS.Signals; env?: Record<string, string> },
): Promise<Omit<Stopped, 'sawDocs'>> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, ...argv], {
    cwd: p.dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...p.env, ESM_PROGRESS_INTERVAL_MS: '500', ESM_CHECKPOINT_INTERVAL_MS: '200', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  let exited = false;
  const exit = once(child, 'exit').then((r) => ((exited = true), r as [number | null, NodeJS.Signals | null]));
  while (!exited && !(await opts.when())) await sleep(50);
  if (exited) throw new Error(`esm ${argv.join(' ')} ended before ${opts.what}:\n${stderr}`);
  const afterMs = Date.now() - t0;
  child.kill(opts.signal ?? 'SIGKILL');
  const [code, signal] = await exit;
  return { pid: child.pid!, code, signal, stdout, stderr, afterMs };
}

/**
 * `killWhen` a checkpoint of at least `minDocs` documents of `index` is recorded (and
 * `until`, when given, holds for it).
 */
export async function killAtCheckpoint(
  p: TempProject,
  argv: string[],
  opts: { index: string; minDocs: number; until?: (c: FillCheckpoint) => boolean; signal?: NodeJS.Signals; env?: Record<string, string> },
): Promise<Stopped> {
  let sawDocs = 0;
  const stopped = await killWhen(p, argv, {
    what: `a checkpoint of ${opts.minDocs} documents of ${opts.index} was recorded`,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    when: async () => {
      const cp = await runningCheckpoint(p.statePath, opts.index);
      sawDocs = cp?.docs ?? 0;
      return cp !== null && sawDocs >= opts.minDocs && (opts.until?.(cp) ?? true);
    },
  });
  return { ...stopped, sawDocs };
}
