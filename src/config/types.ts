/** Resolved configuration (SPEC §5): flag > environment variable > esm.config.yaml > default. */
import type { Auth, AwsSigning, EngineChoice } from '../cluster/engine.js';

export type { Auth };

export interface EsmConfig {
  /** Cluster URL, without credentials. */
  url: string;
  auth: Auth;
  /** Path of a CA certificate file (PEM) to trust, if any. */
  caCert: string | null;
  /** `auto` (read from the cluster), or a registered engine's name. */
  engine: EngineChoice;
  /** AWS SigV4 signing (ESM_AWS_REGION, ESM_AWS_SERVICE); credentials come from the AWS default chain. */
  aws: AwsSigning | null;
  /** Timeout of one HTTP request (ms); a call gives up after its retries or retries × timeout. */
  timeoutMs: number;
  /** Environment prefix prepended to every alias and index name, e.g. `qa1_`. */
  prefix: string;
  /** Absolute path of the state file. */
  statePath: string;
  /** Absolute path of the manifests directory. */
  manifestsDir: string;
  /** Directory the relative paths were resolved against. */
  cwd: string;
  /** The config file that was read, if any. */
  configFile: string | null;
}
