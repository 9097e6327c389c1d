/** `esm create`: a new instance of a master, created with the manifest's spec and `_meta.esm`. */
import { confirmedWords } from '../cluster/confirm.js';
import type { Manifest, MasterSpec } from '../manifest/types.js';
import { fingerprint } from '../fingerprint/index.js';
import { loadMasterState } from './master-state.js';
import type { Session } from './session.js';

export interface CreateResult {
  master: string;
  index: string;
  number: number;
  fingerprint: string;
  created: boolean;
  message: string;
}

export async function createInstance(s: Session, manifest: Manifest, opts: { force?: boolean } = {}): Promise<CreateResult> {
  const master = manifest.name;
  const fp = manifest.fingerprint;
  const st = await loadMasterState(s, master);
  if (!opts.force) {
    const same = [...st.instances].reverse().find((i) => i.fingerprint === fp);
    if (same) {
      return {
        master,
        index: same.name,
        number: same.number,
        fingerprint: fp,
        created: false,
        message: `${same.name} already has the manifest's fingerprint; nothing created (use --force to create another instance anyway)`,
      };
    }
  }
  const number = st.nextNumber;
  const index = s.instance(master, number);
  // What the engine makes of the spec, before anything is written: a refusal is a manifest problem (exit 3).
  const form = await (await s.cluster()).engineForm(index, { settings: manifest.spec.settings, mappings: manifest.spec.mappings });
  const { assertNotRefused } = await import('./refused.js');
  await assertNotRefused([manifest], { [master]: form }, s.config.cwd);
  const engineFingerprint = form.kind === 'held' ? fingerprint(form.spec) : undefined;
  // A master without a source is written by the application alone: there is no
  // fill to wait for, so the new (empty) instance is complete when created.
  await createIndexOf(s, { master, alias: s.alias(master), index, number, fingerprint: fp, spec: manifest.spec, ...(engineFingerprint ? { engineFingerprint } : {}) }, { filled: !manifest.spec.source });
  return { master, index, number, fingerprint: fp, created: true, message: `created ${index}` };
}

/** The plan's `create` step: the index with the spec and `_meta.esm`, recorded as a `create` action. */
export async function createIndexOf(
  s: Session,
  t: { master: string; alias: string; index: string; number: number; fingerprint: string; spec: MasterSpec; engineFingerprint?: string },
  opts: { filled?: boolean } = {},
): Promise<void> {
  const createdAt = s.now().toISOString();
  const commit = await s.commit();
  const filledAt = opts.filled ? createdAt : null;
  await s.record({ action: 'create', master: t.master, instance: t.index }, async (_id, action) => {
    const cluster = await s.cluster();
    const { withFullFieldNames } = await import('./refused.js');
    const meta = {
      master: t.master,
      instance: t.number,
      fingerprint: t.fingerprint,
      ...(t.engineFingerprint !== undefined ? { engineFingerprint: t.engineFingerprint } : {}),
      createdAt,
      commit,
      filledAt,
      lastUpdateAt: filledAt,
    };
    const confirmed = await cluster.createIndex(t.index, { settings: t.spec.settings, mappings: t.spec.mappings, meta }).catch((err: unknown) => {
      // The engine names a refused field by its last segment: the error names it in full.
      throw withFullFieldNames(err, { name: t.master, spec: t.spec });
    });
    if (confirmed) action.note(confirmedWords(confirmed));
    const store = await s.store();
    store.upsertMaster({ name: t.master, alias: t.alias });
    store.upsertInstance({ name: t.index, master: t.master, number: t.number, fingerprint: t.fingerprint, createdAt, commit, filledAt, lastUpdateAt: filledAt });
  });
}

/** The plan's `mark_filled` step: the instance counts as filled with nothing sent (an `update` of 0 documents). */
export async function markFilled(s: Session, t: { master: string; index: string }): Promise<void> {
  const at = s.now().toISOString();
  await s.record(
    { action: 'update', master: t.master, instance: t.index, startedAt: at },
    async () => {
      const cluster = await s.cluster();
      await cluster.updateMeta(t.index, { filledAt: at, lastUpdateAt: at });
      (await s.store()).markFilled(t.index, at);
      return 0;
    },
    (n) => n,
  );
}
