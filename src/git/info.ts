/** What esm needs from git: the commit being deployed (for the journal and `_meta.esm`) and files at a ref. */
import { simpleGit } from 'simple-git';
import { InvalidInputError } from '../errors.js';

export interface GitInfo {
  commit: string | null;
  branch: string | null;
  dirty: boolean;
}

/** The repository state of `cwd`, or null outside a git work tree (never throws for that). */
export async function gitInfo(cwd: string): Promise<GitInfo | null> {
  try {
    const git = simpleGit({ baseDir: cwd });
    if (!(await git.checkIsRepo())) return null;
    const [commit, branch, status] = await Promise.all([
      git.revparse(['HEAD']).catch(() => null),
      git.revparse(['--abbrev-ref', 'HEAD']).catch(() => null),
      git.status(),
    ]);
    return { commit: commit?.trim() || null, branch: branch?.trim() || null, dirty: !status.isClean() };
  } catch {
    return null;
  }
}

/**
 * The text of every file under `dir` (relative to the repository root) at `ref`,
 * for `esm plan --offline --base <ref>`.
 */
export async function filesAtRef(cwd: string, ref: string, dir: string, exts: string[]): Promise<{ file: string; text: string }[]> {
  const git = simpleGit({ baseDir: cwd });
  if (!(await git.checkIsRepo().catch(() => false))) {
    throw new InvalidInputError(`--base needs a git repository, and ${cwd} is not in one`);
  }
  try {
    await git.revparse(['--verify', `${ref}^{commit}`]);
  } catch {
    throw new InvalidInputError(`unknown git ref "${ref}" (try a branch, tag or commit, e.g. origin/main)`);
  }
  const top = (await git.revparse(['--show-toplevel'])).trim();
  const rel = relativeTo(top, dir);
  const listing = await git.raw(['ls-tree', '-r', '--full-tree', '--name-only', ref, ...(rel === '' ? [] : ['--', rel])]);
  const files = listing.split('\n').filter((f) => f && exts.some((e) => f.endsWith(e)));
  const out: { file: string; text: string }[] = [];
  for (const f of files) out.push({ file: `${ref}:${f}`, text: await git.show([`${ref}:${f}`]) });
  return out;
}

function relativeTo(top: string, dir: string): string {
  const t = top.replace(/\/+$/, '');
  if (dir === t) return '';
  if (dir.startsWith(`${t}/`)) return dir.slice(t.length + 1);
  throw new InvalidInputError(`manifests directory ${dir} is outside the git repository ${t}`);
}
