// Types of cluster.mjs for the TypeScript callers (the test bed's global setup and tests).
export interface BedNode {
  name: string;
  url: string;
  httpPort: number;
  transportPort: number;
  pid: number;
  runDir: string;
  logFile: string;
}

export interface Bed {
  version: string;
  /** Node 1's HTTP URL: where esm and the tests connect. */
  url: string;
  nodes: BedNode[];
}

export const NODES: number;
export function startCluster(opts?: { log?: (line: string) => void; timeoutMs?: number }): Promise<Bed & { startedByUs: boolean }>;
export function stopCluster(opts?: { log?: (line: string) => void }): Promise<boolean>;
export function clusterStatus(): Promise<(Omit<Bed, 'nodes'> & { nodes: Array<BedNode & { running: boolean }>; seen: number }) | null>;
export function killNode(i: number, opts?: { signal?: NodeJS.Signals; log?: (line: string) => void }): Promise<void>;
export function restartNode(i: number, opts?: { log?: (line: string) => void; timeoutMs?: number }): Promise<void>;
