import { mkdir, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatProblem, InvalidInputError } from '../errors.js';
import { manifestYaml } from '../../test/support/manifest-builders.js';
import { scratchDir } from '../../test/support/scratch.js';
import { loadManifests } from './load.js';
import { MAX_FILE_BYTES } from './yaml-limits.js';

let root: string;
beforeEach(() => {
  root = scratchDir('manifests');
});

async function write(rel: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), text);
}

describe('loadManifests', () => {
  it('reads every *.yaml / *.yml under the directory, recursively, in sorted path order', async () => {
    await write('manifests/movies.yaml', manifestYaml({ name: 'movies' }));
    await write('manifests/a/books.yml', manifestYaml({ name: 'books' }));
    await write('manifests/z/more.YAML', `${manifestYaml({ name: 'songs' })}---\n${manifestYaml({ name: 'albums' })}`);
    await write('manifests/README.md', '# not a manifest');
    await write('manifests/.hidden/x.yaml', 'not: a manifest');
    await write('manifests/.draft.yaml', 'not: a manifest');
    const ms = await loadManifests('manifests', { cwd: root });
    expect(ms.map((m) => m.name)).toEqual(['books', 'movies', 'songs', 'albums']);
    expect(ms.map((m) => m.origin.file)).toEqual([
      path.join('manifests', 'a', 'books.yml'),
      path.join('manifests', 'movies.yaml'),
      path.join('manifests', 'z', 'more.YAML'),
      path.join('manifests', 'z', 'more.YAML'),
    ]);
  });

  it('sets origin.dir to the manifest file directory (absolute) and keeps source.path as written', async () => {
    await write('manifests/sub/movies.yaml', manifestYaml({ name: 'movies', source: { type: 'ndjson', path: '../../data/movies.ndjson' } }));
    const [m] = await loadManifests(path.join(root, 'manifests'), { cwd: root });
    expect(m!.origin.dir).toBe(path.join(root, 'manifests', 'sub'));
    expect(m!.spec.source).toEqual({ type: 'ndjson', path: '../../data/movies.ndjson' });
  });

  it('names files by their absolute path when they are outside cwd', async () => {
    await write('manifests/bad.yaml', 'apiVersion: esm/v1\n');
    const error = await loadManifests(path.join(root, 'manifests'), { cwd: path.join(root, 'elsewhere') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).problems[0]!.file).toBe(path.join(root, 'manifests', 'bad.yaml'));
  });

  it('reports every problem of every file, relative to cwd, with line:col', async () => {
    await write('manifests/a.yaml', manifestYaml({ name: 'movies' }).replace('mappings:', 'mapping:'));
    await write('manifests/b.yaml', manifestYaml({ name: 'movies' }));
    const error = await loadManifests('manifests', { cwd: root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    const e = error as InvalidInputError;
    expect(e.message).toMatch(/^2 problems in manifests\n/);
    expect(e.problems.map(formatProblem)).toEqual([
      `${path.join('manifests', 'a.yaml')}:9:3: unknown key "mapping" in spec (did you mean "mappings"?)`,
      `${path.join('manifests', 'b.yaml')}:4:9: duplicate master name "movies": already declared at ${path.join('manifests', 'a.yaml')}:4:9`,
    ]);
  });

  it('returns [] for an empty directory', async () => {
    await mkdir(path.join(root, 'manifests'));
    expect(await loadManifests('manifests', { cwd: root })).toEqual([]);
  });

  it('refuses a missing directory, naming it', async () => {
    const error = await loadManifests('nope', { cwd: root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(/^manifests directory not found: nope /);
  });

  it('refuses a file given as the manifests directory', async () => {
    await write('manifests.yaml', manifestYaml());
    await expect(loadManifests('manifests.yaml', { cwd: root })).rejects.toThrow('manifests path is not a directory: manifests.yaml');
  });

  describe('symbolic links', () => {
    it('refuses a link loop (manifests/up -> ..) with one clear message, quickly', async () => {
      await write('manifests/movies.yaml', manifestYaml({ name: 'movies' }));
      await symlink('..', path.join(root, 'manifests', 'up'));
      const error = await loadManifests('manifests', { cwd: root }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as Error).message).toBe(
        `${path.join('manifests', 'up')} is a symbolic link to ${root}, outside the manifests directory: esm does not follow links out of it (replace the link by the files it should hold)`,
      );
    });

    it('refuses a link loop inside the directory (manifests/a/again -> ..)', async () => {
      await write('manifests/a/movies.yaml', manifestYaml({ name: 'movies' }));
      await symlink('..', path.join(root, 'manifests', 'a', 'again'));
      const error = await loadManifests('manifests', { cwd: root }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as Error).message).toBe(
        `${path.join('manifests', 'a', 'again')} is a symbolic link loop: it leads back to ${path.join('manifests')}, which contains it`,
      );
    });

    it('follows links that stay inside the directory, reading each file once', async () => {
      await write('manifests/shared/movies.yaml', manifestYaml({ name: 'movies' }));
      await symlink('shared', path.join(root, 'manifests', 'also'));
      await symlink(path.join('shared', 'movies.yaml'), path.join(root, 'manifests', 'm.yaml'));
      expect((await loadManifests('manifests', { cwd: root })).map((m) => m.name)).toEqual(['movies']);
    });

    it('refuses a file link out of the directory', async () => {
      await write('elsewhere/x.yaml', manifestYaml({ name: 'movies' }));
      await mkdir(path.join(root, 'manifests'));
      await symlink(path.join('..', 'elsewhere', 'x.yaml'), path.join(root, 'manifests', 'x.yaml'));
      await expect(loadManifests('manifests', { cwd: root })).rejects.toThrow(/^manifests\/x\.yaml is a symbolic link to .*elsewhere\/x\.yaml, outside the manifests directory/);
    });
  });

  it('refuses a file over the size limit without reading it (file:1:1)', async () => {
    await write('manifests/big.yaml', '');
    await truncate(path.join(root, 'manifests', 'big.yaml'), MAX_FILE_BYTES + 1);
    const error = await loadManifests('manifests', { cwd: root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).problems.map(formatProblem)).toEqual([`${path.join('manifests', 'big.yaml')}:1:1: the file is 8 MB; a manifest may be at most 8 MB`]);
  });
});
