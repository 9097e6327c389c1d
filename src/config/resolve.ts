/**
 * Configuration precedence (SPEC §5): flag > environment variable > esm.config.yaml > default.
 * `mergeConfig` is pure; `resolveConfig` reads the config file.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { InvalidInputError } from '../errors.js';
import { redactText } from '../redact.js';
import type { Auth, EsmConfig } from './types.js';

export const CONFIG_FILE_NAME = 'esm.config.yaml';
export const DEFAULTS = {
  url: 'http://127.0.0.1:9200',
  prefix: '',
  state: '.esm/state.sqlite',
  manifests: 'manifests',
} as const;

export interface ConfigFlags {
  url?: string | undefined;
  prefix?: string | undefined;
  state?: string | undefined;
  manifests?: string | undefined;
}

export interface FileConfig {
  url?: string;
  prefix?: string;
  state?: string;
  manifests?: string;
}

type Env = Record<string, string | undefined>;

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

/** Pure merge of the four layers. Relative paths from the file are relative to the file's directory. */
export function mergeConfig(input: {
  flags: ConfigFlags;
  env: Env;
  file: FileConfig | null;
  fileDir: string | null;
  configFile: string | null;
  cwd: string;
}): EsmConfig {
  const { flags, env, file, cwd } = input;
  const fileDir = input.fileDir ?? cwd;
  const pick = (flag: string | undefined, envValue: string | undefined, fileValue: string | undefined) =>
    flag !== undefined ? { v: flag, base: cwd } : envValue !== undefined ? { v: envValue, base: cwd } : fileValue !== undefined ? { v: fileValue, base: fileDir } : null;

  const rawUrl =
    nonEmpty(flags.url) ?? nonEmpty(env.ESM_URL) ?? nonEmpty(env.ELASTICSEARCH_URL) ?? nonEmpty(file?.url) ?? DEFAULTS.url;
  const { url, auth: urlAuth } = parseUrl(rawUrl);

  const prefix = flags.prefix ?? env.ESM_PREFIX ?? file?.prefix ?? DEFAULTS.prefix;
  validatePrefix(prefix);

  const state = pick(flags.state, nonEmpty(env.ESM_STATE), file?.state) ?? { v: DEFAULTS.state, base: cwd };
  const manifests = pick(flags.manifests, nonEmpty(env.ESM_MANIFESTS), file?.manifests) ?? { v: DEFAULTS.manifests, base: cwd };

  return {
    url,
    auth: authFromEnv(env) ?? urlAuth ?? { kind: 'none' },
    caCert: nonEmpty(env.ESM_CA_CERT) ? resolve(cwd, env.ESM_CA_CERT!) : null,
    prefix,
    statePath: absolute(state.v, state.base),
    manifestsDir: absolute(manifests.v, manifests.base),
    cwd,
    configFile: input.configFile,
  };
}

/** Reads esm.config.yaml (when present) and merges every layer. */
export async function resolveConfig(flags: ConfigFlags, env: Env, cwd: string): Promise<EsmConfig> {
  const configPath = env.ESM_CONFIG ? resolve(cwd, env.ESM_CONFIG) : join(cwd, CONFIG_FILE_NAME);
  let file: FileConfig | null = null;
  if (existsSync(configPath)) {
    const { loadConfigFile } = await import('./config-file.js');
    file = (await loadConfigFile(configPath)) as FileConfig | null;
  } else if (env.ESM_CONFIG) {
    throw new InvalidInputError(`config file not found: ${env.ESM_CONFIG} (from ESM_CONFIG)`);
  }
  return mergeConfig({ flags, env, file, fileDir: file ? dirname(configPath) : null, configFile: file ? configPath : null, cwd });
}

function authFromEnv(env: Env): Auth | null {
  const apiKey = nonEmpty(env.ESM_API_KEY);
  if (apiKey) return { kind: 'apiKey', apiKey };
  const username = nonEmpty(env.ESM_USERNAME);
  const password = nonEmpty(env.ESM_PASSWORD);
  if (username && password) return { kind: 'basic', username, password };
  if (username || password) {
    throw new InvalidInputError('ESM_USERNAME and ESM_PASSWORD must be set together');
  }
  return null;
}

/** Credentials written into the URL are taken out of it, so the URL can be shown. */
function parseUrl(raw: string): { url: string; auth: Auth | null } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new InvalidInputError(`invalid cluster URL: ${redactText(raw)} (expected e.g. http://127.0.0.1:9200)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new InvalidInputError(`invalid cluster URL: ${redactText(raw)} (only http:// and https:// are supported)`);
  }
  let auth: Auth | null = null;
  if (u.username || u.password) {
    auth = { kind: 'basic', username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
    u.username = '';
    u.password = '';
  }
  return { url: u.toString().replace(/\/+$/, ''), auth };
}

function validatePrefix(prefix: string): void {
  if (prefix === '') return;
  if (prefix !== prefix.toLowerCase() || /[\\/*?"<>| ,#:]/.test(prefix) || /^[-_+.]/.test(prefix)) {
    throw new InvalidInputError(
      `invalid prefix "${prefix}": it becomes part of index names, so it must be lowercase, must not start with - _ + . and must not contain \\ / * ? " < > | space , # :`,
    );
  }
}

function absolute(p: string, base: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}
