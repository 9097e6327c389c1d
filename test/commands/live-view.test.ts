/**
 * The Ink view on a terminal, through the CLI: what stays on the
 * screen when the command ends. stdout and stderr are one terminal here, as for a person.
 */
import chalk from 'chalk'; // Ink's colour library, forced on so that "no colour" can fail
import { PassThrough, Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli.js';
import type { TempProject } from '../support/project.js';
import { ok, project } from './helpers.js';

let p: TempProject;
beforeAll(async () => {
  p = project('live', { movies: { docs: 30 } });
  await ok(p, ['create', 'movies']);
});
/** Runs esm with stdout and stderr on one fake terminal of `columns`; returns everything written. */
async function onTerminal(argv: string[], env: Record<string, string> = {}, columns = 72): Promise<{ code: number; screen: string }> {
  const tty = Object.assign(new PassThrough(), { columns, isTTY: true });
  let screen = '';
  tty.on('data', (c: Buffer) => (screen += c.toString()));
  const code = await run(argv, { stdout: tty, stderr: tty, stdin: Readable.from([]), env: { PATH: process.env.PATH, HOME: process.env.HOME, ...p.env, ...env }, cwd: p.dir, isTTY: true });
  return { code, screen };
}

/** Ink redraws by moving the cursor up and erasing lines: whatever came before the last redraw is gone. */
const ERASE = /\x1b\[2K|\x1b\[1A|\x1b\[\d*J/g;
function lastIndexOfErase(text: string): number {
  let last = -1;
  for (const m of text.matchAll(ERASE)) last = m.index + m[0].length;
  return last;
}

describe('esm update on a terminal', () => {
  it('keeps its result line: printed after the live view ends, never overdrawn', async () => {
    const { code, screen } = await onTerminal(['update', `${p.prefix}movies-1`, '--full']);
    expect(code).toBe(0);
    const result = screen.lastIndexOf(`${p.prefix}movies-1: 30 docs (full) in`);
    expect(result, screen).toBeGreaterThan(-1);
    expect(result).toBeGreaterThanOrEqual(lastIndexOfErase(screen));
    expect(screen).toContain('Total time:');
  });

  it('honours NO_COLOR and --no-color in the live view', async () => {
    const STYLE = /\x1b\[(?:\d+;)*(?:3\d|9\d|1|2)m/;
    const level = chalk.level;
    chalk.level = 1; // as on a colour terminal (the test process has none)
    try {
      const coloured = await onTerminal(['update', `${p.prefix}movies-1`, '--full']);
      expect(coloured.screen).toMatch(STYLE);
      for (const [argv, env] of [[[], { NO_COLOR: '1' }], [['--no-color'], {}]] as const) {
        const plain = await onTerminal(['update', `${p.prefix}movies-1`, '--full', ...argv], env);
        expect(plain.code).toBe(0);
        expect(plain.screen).not.toMatch(STYLE);
      }
    } finally {
      chalk.level = level;
    }
  });
});
