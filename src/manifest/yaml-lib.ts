/**
 * The `yaml` library: the full reader (yaml-file.ts: positions, every problem placed) and
 * the writer of manifests (`esm import`). Reached through `yamlLib()` so that the bundle
 * loads it only when it is used: scripts/build.mjs replaces this module with one that
 * requires a CommonJS build of `yaml` (dist/yaml.cjs) on the first call. Most runs read
 * every manifest the fast way (yaml-fast.ts) and never need it.
 */
import * as yaml from 'yaml';

export type YamlLib = typeof yaml;

export function yamlLib(): YamlLib {
  return yaml;
}
