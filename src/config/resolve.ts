/**
 * Configuration precedence (SPEC §5): flag > environment variable > esm.config.yaml > default.
 * `mergeConfig` is pure; `resolveConfig` reads the config file.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { AwsSigning, EngineChoice } from '../cluster/engine.js';
import { ENGINE_NAMES } from '../cluster/engines.js';
import { InvalidInputError } from '../errors.js';
import { redactText } from '../redact.js';
import { parseDuration } from './duration.js';
import type { Auth, EsmConfig } from './types.js';

export const CONFIG_FILE_NAME = 'esm.config.yaml';
export const DEFAULTS = {
  url: 'http://127.0.0.1:9200',
  prefix: '',
  state: '.esm/state.sqlite',
  manifests: 'manifests',
  engine: 'auto',
  timeout: '30s',
} as const;

export interface ConfigFlags {
  url?: string | undefined;
  prefix?: string | undefined;
  state?: string | undefined;
  manifests?: string | undefined;
  engine?: string | undefined;
  timeout?: string | undefined;
}

export interface FileConfig {
  url?: string;
  prefix?: string;
  state?: string;
  manifests?: string;
  engine?: string;
  /** `30s`, `2m`, `500ms`, or seconds as a number. */
  timeout?: string | number;
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

  const engine = chosen(
    nonEmpty(flags.engine) !== undefined ? { v: flags.engine!, from: '--engine' } : undefined,
    nonEmpty(env.ESM_ENGINE) !== undefined ? { v: env.ESM_ENGINE!, from: 'ESM_ENGINE' } : undefined,
    file?.engine !== undefined ? { v: file.engine, from: 'engine in the config file' } : undefined,
  ) ?? { v: DEFAULTS.engine, from: 'default' };
  const timeout = chosen(
    nonEmpty(flags.timeout) !== undefined ? { v: flags.timeout!, from: '--timeout' } : undefined,
    nonEmpty(env.ESM_TIMEOUT) !== undefined ? { v: env.ESM_TIMEOUT!, from: 'ESM_TIMEOUT' } : undefined,
    file?.timeout !== undefined ? { v: String(file.timeout), from: 'timeout in the config file' } : undefined,
  ) ?? { v: DEFAULTS.timeout, from: 'default' };

  const auth = authFromEnv(env) ?? urlAuth ?? { kind: 'none' };
  const aws = awsFromEnv(env);
  const engineName = engineChoice(engine.v, engine.from);
  if (aws && auth.kind !== 'none') {
    throw new InvalidInputError('ESM_AWS_REGION signs every request with AWS credentials: do not also set ESM_API_KEY, ESM_USERNAME/ESM_PASSWORD or credentials in the URL');
  }
  if (aws && engineName === 'elasticsearch') {
    throw new InvalidInputError(`AWS request signing (ESM_AWS_REGION) works with OpenSearch only, and the engine is set to elasticsearch (from ${engine.from})`);
  }

  return {
    url,
    auth,
    caCert: nonEmpty(env.ESM_CA_CERT) ? resolve(cwd, env.ESM_CA_CERT!) : null,
    engine: engineName,
    aws,
    timeoutMs: timeoutMs(timeout.v, timeout.from),
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

function chosen<T>(...layers: Array<T | undefined>): T | undefined {
  return layers.find((l) => l !== undefined);
}

function engineChoice(v: string, from: string): EngineChoice {
  const name = v.trim().toLowerCase();
  if (name === 'auto' || ENGINE_NAMES.includes(name)) return name;
  throw new InvalidInputError(`invalid engine "${v}" (from ${from}): expected auto, ${ENGINE_NAMES.join(', ')}`);
}

/** Longest request timeout accepted: a day. */
const MAX_TIMEOUT_MS = 86_400_000;

function timeoutMs(v: string, from: string): number {
  const ms = parseDuration(v);
  if (ms === null || ms < 1 || ms > MAX_TIMEOUT_MS) {
    throw new InvalidInputError(`invalid timeout "${v}" (from ${from}): expected a duration such as 30s, 2m, 500ms, or a number of seconds, between 1ms and 24h`);
  }
  return ms;
}

const AWS_SERVICES = ['es', 'aoss'] as const;

/** SigV4 signing when ESM_AWS_REGION is set (service `es` unless ESM_AWS_SERVICE says `aoss`). */
function awsFromEnv(env: Env): AwsSigning | null {
  const region = nonEmpty(env.ESM_AWS_REGION);
  const service = nonEmpty(env.ESM_AWS_SERVICE);
  if (!region) {
    if (service) throw new InvalidInputError('ESM_AWS_SERVICE needs ESM_AWS_REGION (the region of the OpenSearch domain or collection)');
    return null;
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new InvalidInputError(`invalid ESM_AWS_REGION "${region}": expected a region such as eu-west-1`);
  const s = (service ?? 'es').toLowerCase();
  if (!(AWS_SERVICES as readonly string[]).includes(s)) throw new InvalidInputError(`invalid ESM_AWS_SERVICE "${service}": expected es (OpenSearch Service) or aoss (OpenSearch Serverless)`);
  return { region, service: s as AwsSigning['service'] };
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
