/** The plan's `in_place` step: `PUT _settings` / `PUT _mapping` on the active instance, then its fingerprint becomes the manifest's. */
import type { Session } from './session.js';

export async function updateInPlace(
  s: Session,
  t: { master: string; index: string; fingerprint: string; engineFingerprint?: string },
  bodies: { settings: Record<string, unknown> | null; mappings: Record<string, unknown> | null },
): Promise<void> {
  const { index, fingerprint: fp } = t;
  await s.record({ action: 'update_in_place', master: t.master, instance: index, detail: { fingerprint: fp } }, async () => {
    const cluster = await s.cluster();
    if (bodies.settings && Object.keys(bodies.settings).length) await cluster.putSettings(index, bodies.settings);
    if (bodies.mappings && Object.keys(bodies.mappings).length) await cluster.putMapping(index, bodies.mappings);
    // The engine's form of the new spec: what the index holds now, but for fields dynamic mapping added.
    // Unknown (the engine could not say): the old one goes, it no longer describes the index.
    await cluster.updateMeta(index, { fingerprint: fp, engineFingerprint: t.engineFingerprint });
    const store = await s.store();
    const rec = store.view().instances.find((i) => i.name === index && !i.dropped);
    if (rec) store.upsertInstance({ ...rec, fingerprint: fp });
  });
}
