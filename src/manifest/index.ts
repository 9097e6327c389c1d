/** Manifests (SPEC §3) and the config file (SPEC §5): load YAML with positions, validate, normalize. */
export type { CompanionUse, InlinedSet, Manifest, ManifestSet, MasterSpec, SourceSpec } from './types.js';
export { MANIFEST_DEFAULTS } from './types.js';
export { loadManifests, loadManifestSet, type LoadOptions } from './load.js';
export { parseManifestSet, parseManifestTexts, type ManifestText } from './parse.js';
export { masterNameProblem } from './master-name.js';
export { schemaPath, validatorOf, type SchemaName } from './schemas.js';
