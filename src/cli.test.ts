import { describe, expect, it } from 'vitest';
import { runCli } from '../test/support/cli.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { esUrl, testPrefix } from '../test/support/es.js';
import { builtCli } from '../test/support/built-cli.js';
import { loadedPackages } from '../test/support/loaded-packages.js';
import { scratchDir } from '../test/support/scratch.js';

describe('esm CLI shell', () => {
  it('prints the version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 3 with one clear message for an unknown command', async () => {
    const r = await runCli(['bogus']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^esm: unknown command "bogus"/);
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

  it('the built binary loads neither Ink nor a search client, sql.js, yaml or ajv for --version', () => {
    const r = loadedPackages(builtCli(), ['--version']);
    expect(r.status).toBe(0);
    expect(r.packages).toContain('clipanion'); // the hook sees the bundle's packages
    expect([...r.packages].filter((p) => /^(ink|react|@elastic\/|@opensearch-project\/|sql\.js|yaml|ajv)/.test(p))).toEqual([]);
  });

  it('the built binary validates manifests without ajv (precompiled), a cluster client, sql.js or Ink', () => {
    const r = loadedPackages(builtCli(), ['validate'], { env: { ESM_MANIFESTS: 'manifests' } });
    expect(r.stdout).toMatch(/manifests OK/);
    expect(r.status).toBe(0);
    // Read the fast way: js-yaml's event parser; the yaml library only to place a problem.
    expect(r.packages).toContain('js-yaml');
    expect(r.packages.has('yaml')).toBe(false);
    expect([...r.packages].filter((p) => /^(ink|react|@elastic\/|@opensearch-project\/|sql\.js)/.test(p))).toEqual([]);
    // ajv's run-time helpers only: its compiler is not loaded.
    expect([...r.modules].filter((m) => m.startsWith('ajv/') && !m.startsWith('ajv/dist/runtime/'))).toEqual([]);
  });

  it('the built binary loads the yaml library when a problem must be placed at its line:col', () => {
    const dir = scratchDir('placed');
    writeFileSync(join(dir, 'movies.yaml'), readFileSync('manifests/movies.yaml', 'utf8').replace('kind: IndexMaster', 'kind: IndexMaster\ncolour: blue'));
    const r = loadedPackages(builtCli(), ['validate', '--url', 'http://127.0.0.1:1'], { env: { ESM_MANIFESTS: dir } });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/movies\.yaml:\d+:1: unknown key "colour"/);
    expect(r.packages).toContain('yaml');
  });

  it('the built binary plans and lists without sql.js when there is no state file, and with it when there is one', () => {
    const dir = scratchDir('nostate');
    const state = join(dir, 'esm-state.db');
    const env = { ESM_MANIFESTS: 'manifests', ESM_URL: esUrl(), ESM_PREFIX: testPrefix('nostate'), ESM_STATE: state };
    for (const cmd of [['plan'], ['list']]) {
      const r = loadedPackages(builtCli(), [...cmd, '--json'], { env });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.packages).toContain('js-yaml');
      expect(r.packages.has('yaml')).toBe(false);
      expect(r.packages.has('sql.js')).toBe(false);
    }
    // The same plan reading a state file does start sql.js (a file that is not SQLite is refused).
    writeFileSync(state, 'not a database');
    const r = loadedPackages(builtCli(), ['plan'], { env });
    expect(r.stderr).toMatch(/is not an esm state file/);
    expect(r.packages.has('sql.js')).toBe(true);
  });
});
