// Types of local-node.mjs for the TypeScript callers (test/support/global-setup.ts).
export interface LocalEngine {
  id: string;
  name: string;
  version: string;
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
