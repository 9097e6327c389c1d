/**
 * What esm needs from git: the commit being deployed (for the journal and `_meta.esm`)
 * and files at a ref. Plain `git` through child_process, in as few calls as possible:
 * one for the repository state, three for every manifest at a ref, whatever their number,
 * and one for the commit a ref names.
 */
import { execFile, spawn } from 'node:child_process';
import { InvalidInputError } from '../errors.js';

export interface GitInfo {
  commit: string | null;
  branch: string | null;
  dirty: boolean;
}

interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs git in `cwd` with `input` on stdin; never throws (a missing git is code -1). */
function git(cwd: string, args: string[], input?: string): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = execFile('git', args, { cwd, encoding: 'buffer', maxBuffer: 1 << 30, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout: stdout ?? Buffer.alloc(0), stderr: (stderr ?? Buffer.alloc(0)).toString('utf8') });
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

/**
 * The repository state of `cwd`, or null outside a git work tree (never throws for
 * that): one `git status --porcelain=v2 --branch`, whose headers name the commit and
 * the branch, and whose entries (changed or untracked files) make it dirty.
 */
export async function gitInfo(cwd: string): Promise<GitInfo | null> {
  const r = await git(cwd, ['status', '--porcelain=v2', '--branch']);
  if (r.code !== 0) return null;
  let commit: string | null = null;
  let head: string | null = null;
  let dirty = false;
  for (const line of r.stdout.toString('utf8').split('\n')) {
    if (line.startsWith('# branch.oid ')) commit = line.slice('# branch.oid '.length).trim();
    else if (line.startsWith('# branch.head ')) head = line.slice('# branch.head '.length).trim();
    else if (line !== '' && !line.startsWith('#')) dirty = true;
  }
  if (commit === '(initial)') return { commit: null, branch: null, dirty };
  // As `git rev-parse --abbrev-ref HEAD` says it: HEAD when detached.
  return { commit, branch: head === '(detached)' ? 'HEAD' : head, dirty };
}

/** The full SHA of the commit `ref` names, or null when git cannot resolve it. */
export async function commitOf(cwd: string, ref: string): Promise<string | null> {
  const r = await git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  return r.code === 0 ? r.stdout.toString('utf8').trim() || null : null;
}

/**
 * The text of every file under `dir` (relative to the repository root) at `ref`, for
 * `esm plan --offline --base <ref>`: the repository's top, one listing of the tree and
 * one `git cat-file --batch` for every file's content.
 */
export async function filesAtRef(cwd: string, ref: string, dir: string, exts: string[]): Promise<{ file: string; text: string }[]> {
  const top = await git(cwd, ['rev-parse', '--show-toplevel']);
  if (top.code !== 0) throw new InvalidInputError(`--base needs a git repository, and ${cwd} is not in one`);
  const rel = relativeTo(top.stdout.toString('utf8').trim(), dir);
  const listing = await git(cwd, ['ls-tree', '-r', '-z', '--full-tree', `${ref}^{commit}`, ...(rel === '' ? [] : ['--', rel])]);
  if (listing.code !== 0) throw new InvalidInputError(await unknownRefMessage(cwd, ref));
  const blobs: { path: string; sha: string }[] = [];
  for (const entry of listing.stdout.toString('utf8').split('\0')) {
    // <mode> SP <type> SP <object> TAB <path>
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [, type, sha] = entry.slice(0, tab).split(' ');
    const path = entry.slice(tab + 1);
    if (type === 'blob' && sha && exts.some((e) => path.endsWith(e))) blobs.push({ path, sha });
  }
  if (blobs.length === 0) return [];
  const texts = await catFileBatch(cwd, blobs.map((b) => b.sha));
  return blobs.map((b, i) => ({ file: `${ref}:${b.path}`, text: texts[i]! }));
}

/** How many refs an unknown-ref message lists. */
const REFS_SHOWN = 8;

/**
 * `unknown git ref "origin/main"`, and what the repository does hold: its branches,
 * remote branches and tags, most recently committed first, and `HEAD~1` when HEAD has
 * a parent — never the input again. A remote ref in a repository that has none is
 * what a shallow CI checkout gives: say how to fetch it.
 */
export async function unknownRefMessage(cwd: string, ref: string): Promise<string> {
  const listing = await git(cwd, ['for-each-ref', '--sort=-committerdate', '--format=%(refname:short)', 'refs/heads', 'refs/remotes', 'refs/tags']);
  const refs = listing.code === 0 ? listing.stdout.toString('utf8').split('\n').filter((r) => r !== '' && !r.endsWith('/HEAD') && r !== ref) : [];
  const parent = await git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD~1^{commit}']);
  const known = [...refs.slice(0, REFS_SHOWN), ...(parent.code === 0 ? ['HEAD~1'] : [])];
  const more = refs.length > REFS_SHOWN ? `, and ${refs.length - REFS_SHOWN} more (git branch -a, git tag)` : '';
  const head = `unknown git ref "${ref}"`;
  const remote = /^[^/]+\/./.test(ref) && !refs.some((r) => r.includes('/')) && (await git(cwd, ['remote'])).stdout.toString('utf8').trim() !== '';
  const fetch = remote ? `; the remote branch is not in this clone: fetch it (git fetch ${ref.replace('/', ' ')}; in GitHub Actions, actions/checkout with fetch-depth: 0)` : '';
  if (known.length === 0) return `${head}: the repository has no commits to compare with yet${fetch}`;
  return `${head}${fetch}; refs here: ${known.join(', ')}${more} (a commit id works too)`;
}

/** The contents of `shas`, in order, from one `git cat-file --batch`. */
function catFileBatch(cwd: string, shas: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`git cat-file --batch exited ${code}: ${stderr.trim()}`));
      try {
        resolve(parseBatch(Buffer.concat(chunks), shas.length));
      } catch (e) {
        reject(e);
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(`${shas.join('\n')}\n`);
  });
}

/** `<sha> <type> <size>\n<content>\n`, `count` times. */
function parseBatch(out: Buffer, count: number): string[] {
  const texts: string[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) throw new Error('git cat-file --batch: truncated output');
    const header = out.subarray(at, eol).toString('utf8').split(' ');
    if (header.length !== 3) throw new Error(`git cat-file --batch: ${header.join(' ')}`);
    const size = Number(header[2]);
    texts.push(out.subarray(eol + 1, eol + 1 + size).toString('utf8'));
    at = eol + 1 + size + 1;
  }
  return texts;
}

function relativeTo(top: string, dir: string): string {
  const t = top.replace(/\/+$/, '');
  if (dir === t) return '';
  if (dir.startsWith(`${t}/`)) return dir.slice(t.length + 1);
  throw new InvalidInputError(`manifests directory ${dir} is outside the git repository ${t}`);
}
