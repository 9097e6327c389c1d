// Types of local-node.mjs for the TypeScript callers (test/support/global-setup.ts).
export interface LocalEngine {
  id: string;
  name: string;
  version: string;
  /** Where its distribution, state file (node-<version>.json) and run directories live. */
  cacheDir: string;
  /** Fetch and assemble the distribution (once); returns its home directory. */
  ensureHome(log: (line: string) => void): string;
  [more: string]: unknown;
}

export interface RunningNode {
  url: string;
  pid: number;
  port: number;
  version: string;
  logFile: string;
  /** True only when this very call started the node (then the caller stops it). */
  startedByUs: boolean;
}

export interface NodeOptions {
  log?: (line: string) => void;
  timeoutMs?: number;
}

export function startNode(engine: LocalEngine, opts?: NodeOptions): Promise<RunningNode>;
export function stopNode(engine: LocalEngine, opts?: NodeOptions): Promise<boolean>;
export function nodeStatus(engine: LocalEngine): Promise<{ running: boolean } & Partial<RunningNode>>;
export function health(url: string): Promise<boolean>;
export function failureLines(text: string, max?: number): string[];
