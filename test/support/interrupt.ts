/** Ctrl-C as a person sends it: the built CLI in a child process, SIGINT once its progress shows. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { builtCli } from './built-cli.js';

export interface Interrupted {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Whether a progress line (`docs/s`) appeared, and so SIGINT was sent mid-fill. */
  sent: boolean;
}

/** Runs `esm argv` in `cwd` with `env` (plain progress every 200 ms) and sends SIGINT at the first progress line. */
export async function interruptDuringFill(argv: string[], opts: { cwd: string; env: Record<string, string> }): Promise<Interrupted> {
  const child = spawn(process.execPath, [builtCli(), ...argv], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env, ESM_PROGRESS_INTERVAL_MS: '200' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (!sent && /docs\/s/.test(stderr)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr, sent };
}
