/** The fingerprint of an index spec (SPEC §4): equal fingerprints = same schema. */
import { createHash } from 'node:crypto';
import { stableJson } from './canonical-value.js';
import { canonicalMappings } from './mappings.js';
import { canonicalSettings } from './settings.js';

export interface FingerprintInput {
  settings: Record<string, unknown>;
  mappings: Record<string, unknown>;
}

/** `sha256:<hex>` of the canonical `{settings, mappings}`. */
export function fingerprint(spec: FingerprintInput): string {
  const canonical = { settings: canonicalSettings(spec.settings), mappings: canonicalMappings(spec.mappings) };
  return `sha256:${createHash('sha256').update(stableJson(canonical)).digest('hex')}`;
}

/** The first 12 hex characters, for people: `sha256:3f2a…` → `3f2a…` (12 chars). */
export function shortFingerprint(fp: string): string {
  return fp.replace(/^sha256:/, '').slice(0, 12);
}
