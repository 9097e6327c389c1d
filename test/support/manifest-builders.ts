/**
 * Test builders: a manifest in one line.
 *   aManifest({ name: 'movies' })             → a Manifest, as loadManifests returns it
 *   manifestYaml({ name: 'movies' })          → the YAML text of the same manifest
 * Every field can be overridden; passing `source: undefined` (or idField /
 * updatedField) leaves it out.
 */
import { stringify } from 'yaml';
import { MANIFEST_DEFAULTS, type Manifest, type SourceSpec } from '../../src/manifest/types.js';
import { withFingerprint } from '../../src/manifest/with-fingerprint.js';

export interface ManifestOverrides {
  name?: string;
  labels?: Record<string, string>;
  settings?: Record<string, unknown>;
  mappings?: Record<string, unknown>;
  source?: SourceSpec | undefined;
  idField?: string | undefined;
  updatedField?: string | undefined;
  minDocRatio?: number;
  keepInactive?: number;
  /** origin.file; default `manifests/<name>.yaml`. */
  file?: string;
  /** origin.dir; default `manifests`. */
  dir?: string;
}

export const DEFAULT_SETTINGS = { number_of_shards: 1, number_of_replicas: 0 } as const;

export const DEFAULT_MAPPINGS = {
  dynamic: 'strict',
  properties: {
    id: { type: 'keyword' },
    title: { type: 'text', fields: { raw: { type: 'keyword', ignore_above: 256 } } },
    year: { type: 'integer' },
    updated_at: { type: 'date' },
  },
} as const;

export function aManifest(o: ManifestOverrides = {}): Manifest {
  const name = o.name ?? 'movies';
  const has = (k: keyof ManifestOverrides) => Object.prototype.hasOwnProperty.call(o, k);
  const source = has('source') ? o.source : { type: 'ndjson' as const, path: `../data/${name}.ndjson` };
  const idField = has('idField') ? o.idField : 'id';
  const updatedField = has('updatedField') ? o.updatedField : 'updated_at';
  const m: Omit<Manifest, 'fingerprint'> = {
    name,
    labels: o.labels ?? {},
    spec: {
      settings: structuredClone(o.settings ?? DEFAULT_SETTINGS) as Record<string, unknown>,
      mappings: structuredClone(o.mappings ?? DEFAULT_MAPPINGS) as Record<string, unknown>,
      activation: { minDocRatio: o.minDocRatio ?? MANIFEST_DEFAULTS.minDocRatio },
      retention: { keepInactive: o.keepInactive ?? MANIFEST_DEFAULTS.keepInactive },
    },
    origin: { file: o.file ?? `manifests/${name}.yaml`, line: 1, col: 1, dir: o.dir ?? 'manifests' },
  };
  if (source) m.spec.source = structuredClone(source);
  if (idField !== undefined) m.spec.idField = idField;
  if (updatedField !== undefined) m.spec.updatedField = updatedField;
  return withFingerprint(m);
}

/** The YAML document of `aManifest(o)`: parsing it gives the same manifest (origin aside). */
export function manifestYaml(o: ManifestOverrides = {}): string {
  const m = aManifest(o);
  const metadata: Record<string, unknown> = { name: m.name };
  if (Object.keys(m.labels).length) metadata['labels'] = m.labels;
  const spec: Record<string, unknown> = { settings: m.spec.settings, mappings: m.spec.mappings };
  if (m.spec.source) spec['source'] = m.spec.source;
  if (m.spec.idField !== undefined) spec['idField'] = m.spec.idField;
  if (m.spec.updatedField !== undefined) spec['updatedField'] = m.spec.updatedField;
  spec['activation'] = m.spec.activation;
  spec['retention'] = m.spec.retention;
  return stringify({ apiVersion: 'esm/v1', kind: 'IndexMaster', metadata, spec });
}
