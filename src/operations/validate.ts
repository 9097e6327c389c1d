/**
 * `esm validate`: the manifests (schema and semantic checks, in manifest/) and then
 * what a schema cannot see — that every source can be read: its files exist (an
 * ndjson glob matches), a SQLite file opens and its query prepares, a module file
 * exists. Never connects to the cluster, never reads the state file, never runs a
 * source module's code.
 */
import type { EsmConfig } from '../config/types.js';
import type { Problem } from '../errors.js';
import { loadManifestSet } from '../manifest/load.js';
import { manifestProblems } from '../manifest/parse.js';
import { problemInManifest } from '../manifest/place.js';
import type { Manifest, ManifestSet } from '../manifest/types.js';
import { openSource } from '../sources/index.js';

/**
 * The project's manifests (masters and companions), or an InvalidInputError naming every
 * problem at its file:line:col. Field types are checked against each engine's list (the
 * configured engine's, when one is): `warn` gets what is not a problem (a type some engines
 * lack, a type esm does not know).
 */
export async function validateProject(config: EsmConfig, warn: (p: Problem) => void = () => {}): Promise<ManifestSet> {
  const set = await loadManifestSet(config.manifestsDir, { cwd: config.cwd, prefix: config.prefix, fieldTypes: { engine: config.engine, warn } });
  const problems = await sourceProblems(set.masters, config.cwd);
  if (problems.length > 0) throw manifestProblems(problems);
  return set;
}

/** One problem per master whose source cannot be read, placed at `spec.source.path` (or `query`). */
export async function sourceProblems(manifests: readonly Manifest[], cwd: string): Promise<Problem[]> {
  const found = await Promise.all(
    manifests.map(async (m) => {
      const source = m.spec.source;
      if (!source || source.type === 'reindex') return null;
      const problem = await openSource(m, { cwd }).check();
      return problem ? problemInManifest(m, ['spec', 'source', problem.at], `spec.source.${problem.at}: ${problem.message}`, cwd) : null;
    }),
  );
  return found.filter((p): p is Problem => p !== null);
}
