/**
 * Runs scripts/github-action.mjs as the action's composite step does: the inputs as
 * INPUT_* variables (`github-token` → INPUT_GITHUB_TOKEN), then the runner's variables in
 * `env` (which win), and of the test's own environment only PATH and HOME.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './built-cli.js';

export interface ActionRun {
  code: number | null;
  /** stdout and stderr, interleaved as written. */
  log: string;
}

export function runAction(cwd: string, inputs: Record<string, string>, env: Record<string, string>): Promise<ActionRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'github-action.mjs')], {
      cwd,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase().replace(/-/g, '_')}`, v])),
        ...env,
      },
    });
    let log = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (log += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (log += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, log }));
  });
}
