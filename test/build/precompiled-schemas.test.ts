/**
 * The bundle's validators are ajv standalone code generated at build time: they must
 * judge manifests and config files exactly as ajv compiling schemas/ at run time does
 * (src, as vitest runs it). The same broken project, through both.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { manifestYaml } from '../support/manifest-builders.js';
import { builtCli } from '../support/built-cli.js';
import { NO_CLUSTER_URL, scratchProject, type ScratchProject } from '../support/scratch-project.js';

describe('precompiled schema validators (the built CLI)', () => {
  it('report every schema problem exactly as ajv compiling the schemas at run time', async () => {
    const p = scratchProject('ajv');
    p.write('manifests/books.yaml', manifestYaml({ name: 'books' }).replace('minDocRatio: 0', 'minDocRatio: lots'));
    p.write('manifests/songs.yaml', manifestYaml({ name: 'songs' }).replace('kind: IndexMaster', 'kind: IndexMastr').replace('spec:', 'spec:\n  colour: blue'));
    p.write('manifests/films.yaml', manifestYaml({ name: 'films' }).replace(/ {2}source:\n(?: {4}.*\n)+/, '  source:\n    type: ndjson\n'));
    await expectSameVerdict(p, ['validate']);
    await expectSameVerdict(p, ['validate', '--json']);
    p.write('esm.config.yaml', 'prefix: 12\nbogus: true\n');
    await expectSameVerdict(p, ['validate']);
  });
});

async function expectSameVerdict(p: ScratchProject, args: string[]): Promise<void> {
  const argv = [...args, '--url', NO_CLUSTER_URL];
  const inProcess = await p.cli(argv);
  const built = spawnSync(process.execPath, [builtCli(), ...argv], { cwd: p.dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...p.env }, encoding: 'utf8' });
  expect(inProcess.code).toBe(3);
  // The file names differ only by how they are shown (relative to the process' cwd).
  const shown = (s: string) => s.replaceAll(`${p.dir}/`, '');
  expect({ code: built.status, stdout: shown(built.stdout), stderr: shown(built.stderr) }).toEqual({
    code: inProcess.code,
    stdout: shown(inProcess.stdout),
    stderr: shown(inProcess.stderr),
  });
}
