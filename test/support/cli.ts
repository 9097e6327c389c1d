/** Runs the esm CLI in-process with captured output, as a user would see it. */
import { PassThrough, Readable } from 'node:stream';
import { run } from '../../src/cli.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws with the output when it is not JSON). */
  json<T = any>(): T;
}

export async function runCli(
  argv: string[],
  opts: { env?: Record<string, string | undefined>; cwd?: string; isTTY?: boolean; stdin?: string } = {},
): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  out.on('data', (c: Buffer) => chunks.out.push(c));
  err.on('data', (c: Buffer) => chunks.err.push(c));
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env };
  const code = await run(argv, {
    stdout: out,
    stderr: err,
    stdin: Readable.from(opts.stdin ? [opts.stdin] : []),
    env,
    cwd: opts.cwd ?? process.cwd(),
    isTTY: opts.isTTY ?? false,
  });
  const stdout = Buffer.concat(chunks.out).toString('utf8');
  const stderr = Buffer.concat(chunks.err).toString('utf8');
  return {
    code,
    stdout,
    stderr,
    json() {
      try {
        return JSON.parse(stdout);
      } catch {
        throw new Error(`stdout is not JSON (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
      }
    },
  };
}
