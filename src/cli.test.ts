import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../test/support/cli.js';

describe('esm CLI shell', () => {
  it('prints the version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 3 with one clear message for an unknown command', async () => {
    const r = await runCli(['bogus']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^esm: Command not found/);
    expect(r.stderr).toContain('esm --help');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('shows a command\'s help when --help follows its arguments', async () => {
    const r = await runCli(['create', 'movies', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('esm create');
    expect(r.stdout).toMatch(/create a new instance of a master/i);
    expect(r.stdout).toContain('Examples');
  });

  it('the built binary loads neither Ink nor the Elasticsearch client for --version', () => {
    // A module-resolution hook records every package the process resolves.
    const dir = mkdtempSync(join(tmpdir(), 'esm-lazy-'));
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(
      hooks,
      `import { writeSync } from 'node:fs';
       export async function resolve(specifier, context, next) {
         if (!specifier.startsWith('.') && !specifier.startsWith('node:') && !specifier.startsWith('file:')) writeSync(2, 'RESOLVE ' + specifier + '\\n');
         return next(specifier, context);
       }`,
    );
    const register = join(dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module'; register(${JSON.stringify('file://' + hooks)});`);
    const r = spawnSync(process.execPath, ['--import', register, 'bin/esm.js', '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const resolved = r.stderr.split('\n').filter((l) => l.startsWith('RESOLVE ')).map((l) => l.slice(8));
    expect(resolved).toContain('clipanion'); // the hook works
    expect(resolved.filter((s) => /^(ink|react|@elastic\/elasticsearch|sql\.js)/.test(s))).toEqual([]);
  });
});
