/** `esm create`: a new instance of a master, created with the manifest's spec and `_meta.esm`. */
import type { Manifest } from '../manifest/types.js';
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

export async function createInstance(s: Session, manifest: Manifest, opts: { force?: boolean; number?: number } = {}): Promise<CreateResult> {
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
  const number = opts.number ?? st.nextNumber;
  const index = s.instance(master, number);
  const createdAt = s.now().toISOString();
  const commit = await s.commit();
  // A master without a source is written by the application alone: there is no
  // fill to wait for, so the new (empty) instance is complete when created.
  const filledAt = manifest.spec.source ? null : createdAt;
  await s.record({ action: 'create', master, instance: index }, async () => {
    const cluster = await s.cluster();
    await cluster.createIndex(index, {
      settings: manifest.spec.settings,
      mappings: manifest.spec.mappings,
      meta: { master, instance: number, fingerprint: fp, createdAt, commit, filledAt, lastUpdateAt: filledAt },
    });
    const store = await s.store();
    store.upsertMaster({ name: master, alias: s.alias(master) });
    store.upsertInstance({ name: index, master, number, fingerprint: fp, createdAt, commit, filledAt, lastUpdateAt: filledAt });
  });
  return { master, index, number, fingerprint: fp, created: true, message: `created ${index}` };
}
