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
import { HistoryStore } from '../../src/history/index.js';
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

/** The documents of the newest checkpoint recorded on an unfinished `update` of `index`, or 0. */
export async function checkpointDocs(statePath: string, index: string): Promise<number> {
  if (!existsSync(statePath)) return 0;
  try {
    const store = await HistoryStore.open(statePath, { readOnly: true });
    try {
      const row = store.listActions().find((a) => a.action === 'update' && a.instance === index && a.status === 'in_progress');
      return row?.checkpoint?.docs ?? 0;
    } finally {
      store.close();
    }
  } catch {
    return 0; // a file being replaced at that moment: read again next time
  }
}

/**
 * Runs `esm argv` in the project (checkpoints every 200 ms) and sends `signal` (default
 * SIGKILL) once a checkpoint of at least `minDocs` documents of `index` is recorded.
 * Fails when the process ends first.
 */
export async function killAtCheckpoint(
  p: TempProject,
  argv: string[],
  opts: { index: string; minDocs: number; signal?: NodeJS.Signals; env?: Record<string, string> },
): Promise<Stopped> {
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
  let sawDocs = 0;
  while (!exited) {
    sawDocs = await checkpointDocs(p.statePath, opts.index);
    if (sawDocs >= opts.minDocs) break;
    await sleep(50);
  }
  if (exited) throw new Error(`esm ${argv.join(' ')} ended before a checkpoint of ${opts.minDocs} documents of ${opts.index} was recorded:\n${stderr}`);
  const afterMs = Date.now() - t0;
  child.kill(opts.signal ?? 'SIGKILL');
  const [code, signal] = await exit;
  return { pid: child.pid!, code, signal, stdout, stderr, sawDocs, afterMs };
}
