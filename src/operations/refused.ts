/**
 * A spec the engine refuses (SPEC §7): a manifest problem, exit 3, found before anything
 * is written. Each refusal names the master, the full field name (`process.io.text`, never
 * the last segment alone) and the engine's reason, at the field's line in the manifest.
 */
import { ClusterError, InvalidInputError, type Problem } from '../errors.js';
import { problemInManifest } from '../manifest/place.js';
import type { Manifest } from '../manifest/types.js';
import type { PlanEngineForm } from '../plan/inputs.js';
import { explainRefusal, namedField, refusalProblem } from '../plan/refusals.js';

export async function assertNotRefused(manifests: readonly Manifest[], forms: Readonly<Record<string, PlanEngineForm | undefined>>, cwd: string): Promise<void> {
  const refused = manifests.filter((m) => forms[m.name]?.kind === 'refused');
  if (refused.length === 0) return;
  const problems: Problem[] = [];
  for (const m of refused) {
    const form = forms[m.name] as Extract<PlanEngineForm, { kind: 'refused' }>;
    for (const reason of form.reasons) {
      const r = explainRefusal(m, reason);
      const problem = refusalProblem(r, m.origin);
      const field = r.fields[0];
      problems.push(field ? await problemInManifest(m, ['spec', 'mappings', ...field.at], problem.message, cwd) : problem);
    }
  }
  const names = refused.map((m) => m.name).join(', ');
  throw new InvalidInputError(`the cluster refuses the spec of ${refused.length === 1 ? 'master' : `${refused.length} masters`} ${names}; nothing was written`, problems);
}

/**
 * An error the engine gave for creating an index of this manifest, with the field it
 * names by its last segment written in full (`declared on field [process.io.text]`).
 */
export function withFullFieldNames(err: unknown, manifest: Pick<Manifest, 'name' | 'spec'>): unknown {
  if (!(err instanceof ClusterError) || err.details.status !== 400 || err.details.rootCause === undefined) return err;
  const r = explainRefusal(manifest as Manifest, err.details.rootCause);
  const leaf = namedField(err.details.rootCause);
  if (r.fields.length === 0 || leaf === null) return err;
  const full = r.fields.map((f) => f.name).join(', ');
  return new ClusterError(err.message.replaceAll(`[${leaf}]`, `[${full}]`), { ...err.details, rootCause: r.reason });
}
