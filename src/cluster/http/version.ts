/** esm's version, for the `user-agent` of its requests: read once from package.json. */
import { readFileSync } from 'node:fs';
import { packageFile } from '../../package-root.js';

let version: string | undefined;

export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
  return version;
}
