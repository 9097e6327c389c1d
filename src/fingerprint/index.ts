/** Canonical form and hash of an index spec (SPEC §4). Pure: no I/O. */
export { canonicalSettings, isServerManagedSetting, type CanonicalSettings } from './settings.js';
export { canonicalMappings } from './mappings.js';
export { fingerprint, shortFingerprint, type FingerprintInput } from './fingerprint.js';
export { stableJson } from './canonical-value.js';
