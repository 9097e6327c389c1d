/** `_meta.esm` of an instance (SPEC §4): read leniently, written whole. */
import type { InstanceMeta } from './types.js';

/**
 * The esm metadata in an index's mappings, or null when the index is not esm's
 * (no `_meta.esm`, or one without master / instance / fingerprint).
 */
export function parseMeta(mappings: Record<string, unknown> | undefined): InstanceMeta | null {
  const meta = (mappings?._meta as Record<string, unknown> | undefined)?.esm;
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return null;
  const m = meta as Record<string, unknown>;
  const instance = typeof m.instance === 'string' ? Number(m.instance) : m.instance;
  if (typeof m.master !== 'string' || typeof instance !== 'number' || !Number.isInteger(instance) || typeof m.fingerprint !== 'string') {
    return null;
  }
  const out: InstanceMeta = {
    master: m.master,
    instance,
    fingerprint: m.fingerprint,
    createdAt: typeof m.createdAt === 'string' ? m.createdAt : '',
    commit: typeof m.commit === 'string' ? m.commit : null,
  };
  if ('filledAt' in m) out.filledAt = typeof m.filledAt === 'string' ? m.filledAt : null;
  if ('lastUpdateAt' in m) out.lastUpdateAt = typeof m.lastUpdateAt === 'string' ? m.lastUpdateAt : null;
  if (typeof m.numbersUsed === 'number' && Number.isInteger(m.numbersUsed)) out.numbersUsed = m.numbersUsed;
  if (typeof m.alias === 'string') out.alias = m.alias;
  if (typeof m.clonedFrom === 'string') out.clonedFrom = m.clonedFrom;
  if (typeof m.engineFingerprint === 'string') out.engineFingerprint = m.engineFingerprint;
  return out;
}

/** Mappings with `_meta.esm` set to `meta`, other `_meta` keys kept. */
export function withMeta(mappings: Record<string, unknown>, meta: InstanceMeta): Record<string, unknown> {
  const current = mappings._meta && typeof mappings._meta === 'object' ? (mappings._meta as Record<string, unknown>) : {};
  return { ...mappings, _meta: { ...current, esm: meta } };
}
