/**
 * `esm.config.yaml` (SPEC §5): read and validated against
 * `schemas/config.schema.json`. Secrets are refused: they belong in the environment.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError, type Problem } from '../errors.js';
import { displayPath } from '../manifest/load.js';
import { describeSchemaErrors } from '../manifest/schema-errors.js';
import { validatorOf } from '../manifest/schemas.js';
import { parseYamlFile } from '../manifest/yaml-file.js';

/** Keys people put in a config file that must come from the environment instead. */
const SECRET_KEYS: { test: RegExp; use: string }[] = [
  { test: /^api[-_]?key$|^apikey$|^token$|^bearer$|^secret$/i, use: 'ESM_API_KEY' },
  { test: /^pass(word|wd)?$/i, use: 'ESM_USERNAME and ESM_PASSWORD' },
  { test: /^user(name)?$/i, use: 'ESM_USERNAME and ESM_PASSWORD' },
  { test: /^auth$|^credentials$/i, use: 'ESM_API_KEY, or ESM_USERNAME and ESM_PASSWORD,' },
  { test: /^ca([-_]?cert)?$|^ca[-_]?file$/i, use: 'ESM_CA_CERT' },
];

/**
 * The config file's content, or null when there is no file at `file`.
 * Throws InvalidInputError with `file:line:col` problems when it is invalid.
 */
export async function loadConfigFile(file: string, opts: { cwd?: string } = {}): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new InvalidInputError(`cannot read config file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const shown = displayPath(path.resolve(opts.cwd ?? process.cwd(), file), opts.cwd ?? process.cwd());
  return parseConfigText(shown, text);
}

/** The same, from text (pure). */
export function parseConfigText(file: string, text: string): Record<string, unknown> {
  const parsed = parseYamlFile(file, text);
  const problems: Problem[] = [...parsed.problems];
  if (parsed.documents.length > 1) {
    problems.push({ ...parsed.documents[1]!.start, file, message: 'a config file holds one YAML document' });
  }
  const d = parsed.documents[0];
  let value: Record<string, unknown> = {};
  if (d) {
    const validate = validatorOf('config');
    if (!validate(d.data)) {
      const errors = describeSchemaErrors(validate.errors ?? [], d.data, { unknownKey: secretMessage });
      problems.push(...errors.map((e) => d.problemAt(e.path, e.message, e.at)));
    } else {
      value = d.data as Record<string, unknown>;
      const url = value['url'];
      if (typeof url === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*@/i.test(url)) {
        problems.push(
          d.problemAt(['url'], 'url must not hold credentials: set ESM_API_KEY, or ESM_USERNAME and ESM_PASSWORD, in the environment'),
        );
      }
    }
  }
  if (problems.length > 0) {
    const n = problems.length;
    throw new InvalidInputError(`${n} problem${n === 1 ? '' : 's'} in config file ${file}`, problems);
  }
  return value;
}

function secretMessage(key: string, parent: (string | number)[]): string | undefined {
  if (parent.length > 0) return undefined;
  const hit = SECRET_KEYS.find((s) => s.test.test(key));
  if (!hit) return undefined;
  return hit.use === 'ESM_CA_CERT'
    ? `"${key}" does not belong in the config file: set ESM_CA_CERT in the environment`
    : `"${key}" does not belong in the config file: secrets are never stored in files; set ${hit.use} in the environment`;
}
