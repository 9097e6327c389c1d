/** git facts through plain `git`: the repository state in one call, every file at a ref in one batch. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { filesAtRef, gitInfo } from './info.js';
import { scratchDir } from '../../test/support/scratch.js';

function repo(): { dir: string; git: (...args: string[]) => string; write: (rel: string, text: string) => void } {
  const dir = scratchDir('git');
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  const write = (rel: string, text: string) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  return { dir, git, write };
}

describe('gitInfo', () => {
  it('is null outside a repository', async () => {
    const dir = scratchDir('nogit');
    expect(await gitInfo(dir)).toBeNull();
  });

  it('names the commit and branch, and tells a changed or untracked file', async () => {
    const r = repo();
    expect(await gitInfo(r.dir)).toEqual({ commit: null, branch: null, dirty: false });
    r.write('a.yaml', 'a: 1\n');
    r.git('add', '.');
    r.git('commit', '-qm', 'one');
    const head = r.git('rev-parse', 'HEAD');
    expect(await gitInfo(r.dir)).toEqual({ commit: head, branch: 'main', dirty: false });
    r.write('new.txt', 'x');
    expect(await gitInfo(r.dir)).toEqual({ commit: head, branch: 'main', dirty: true });
    rmSync(join(r.dir, 'new.txt'));
    r.write('a.yaml', 'a: 2\n');
    expect((await gitInfo(r.dir))?.dirty).toBe(true);
    r.git('checkout', '-q', '--', 'a.yaml');
    r.git('checkout', '-q', '--detach');
    expect(await gitInfo(join(r.dir))).toEqual({ commit: head, branch: 'HEAD', dirty: false });
  });
});

describe('filesAtRef', () => {
  it('reads every matching file under the directory as committed at the ref, byte for byte', async () => {
    const r = repo();
    const texts: Record<string, string> = {};
    for (let i = 0; i < 120; i++) texts[`manifests/m${i}.yaml`] = `name: m${i}\n${'é€😀'.repeat(i)}\n`;
    texts['manifests/sub/no-newline.yml'] = 'last: line';
    texts['manifests/empty.yaml'] = '';
    for (const [f, t] of Object.entries(texts)) r.write(f, t);
    r.write('manifests/readme.md', 'not a manifest');
    r.write('other/x.yaml', 'outside: the directory');
    r.git('add', '.');
    r.git('commit', '-qm', 'base');
    r.write('manifests/m1.yaml', 'changed after the commit');

    const files = await filesAtRef(r.dir, 'main', join(r.dir, 'manifests'), ['.yaml', '.yml']);
    expect(Object.fromEntries(files.map((f) => [f.file, f.text]))).toEqual(Object.fromEntries(Object.entries(texts).map(([f, t]) => [`main:${f}`, t])));
  });

  it('refuses an unknown ref and a directory that is not in a repository', async () => {
    const r = repo();
    r.write('manifests/a.yaml', 'a: 1\n');
    r.git('add', '.');
    r.git('commit', '-qm', 'base');
    await expect(filesAtRef(r.dir, 'nope', join(r.dir, 'manifests'), ['.yaml'])).rejects.toThrow(/unknown git ref "nope"/);
    const dir = scratchDir('nogit');
    await expect(filesAtRef(dir, 'main', dir, ['.yaml'])).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('names the refs the repository holds, not the unknown one again', async () => {
    const r = repo();
    r.write('manifests/a.yaml', 'a: 1\n');
    r.git('add', '.');
    r.git('commit', '-qm', 'base');
    r.git('tag', 'v1');
    r.git('branch', 'feature');
    r.write('manifests/a.yaml', 'a: 2\n');
    r.git('commit', '-qam', 'two');
    const message = await filesAtRef(r.dir, 'origin/main', join(r.dir, 'manifests'), ['.yaml']).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(message).toMatch(/^unknown git ref "origin\/main"; refs here: (main|feature|v1), (main|feature|v1), (main|feature|v1), HEAD~1 \(a commit id works too\)$/);
    expect(message.split('"origin/main"')).toHaveLength(2);
  });

  it('says how to fetch a remote branch a shallow clone lacks, and that an empty repository has nothing to compare with', async () => {
    const r = repo();
    r.write('manifests/a.yaml', 'a: 1\n');
    r.git('add', '.');
    r.git('commit', '-qm', 'base');
    r.git('remote', 'add', 'origin', 'https://example.invalid/repo.git');
    await expect(filesAtRef(r.dir, 'origin/main', join(r.dir, 'manifests'), ['.yaml'])).rejects.toThrow(
      /^unknown git ref "origin\/main"; the remote branch is not in this clone: fetch it \(git fetch origin main; in GitHub Actions, actions\/checkout with fetch-depth: 0\); refs here: main \(a commit id works too\)$/,
    );
    const empty = repo();
    await expect(filesAtRef(empty.dir, 'main', join(empty.dir, 'manifests'), ['.yaml'])).rejects.toThrow(/^unknown git ref "main": the repository has no commits to compare with yet$/);
  });
});
