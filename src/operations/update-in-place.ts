/** The plan's `in_place` step: `PUT _settings` / `PUT _mapping` on the active instance, then its fingerprint becomes the manifest's. */
import type { Session } from './session.js';

export async function updateInPlace(
  s: Session,
  t: { master: string; index: string; fingerprint: string },
  bodies: { settings: Record<string, unknown> | null; mappings: Record<string, unknown> | null },
): Promise<void> {
  const { index, fingerprint: fp } = t;
  await s.record({ action: 'update_in_place', master: t.master, instance: index }, async () => {
    const cluster = await s.cluster();
    if (bodies.settings && Object.keys(bodies.settings).length) await cluster.putSettings(index, bodies.settings);
    if (bodies.mappings && Object.keys(bodies.mappings).length) await cluster.putMapping(index, bodies.mappings);
    await cluster.updateMeta(index, { fingerprint: fp });
    const store = await s.store();
    const rec = store.view().instances.find((i) => i.name === index && !i.dropped);
    if (rec) store.upsertInstance({ ...rec, fingerprint: fp });
  });
}
