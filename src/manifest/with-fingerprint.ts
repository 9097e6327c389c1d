import { fingerprint } from '../fingerprint/index.js';
import type { Manifest } from './types.js';

/** A manifest with its fingerprint: the one place `fingerprint(spec)` is computed for a manifest. */
export function withFingerprint(m: Omit<Manifest, 'fingerprint'>): Manifest {
  return { ...m, fingerprint: fingerprint(m.spec) };
}
