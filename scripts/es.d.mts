import type { LocalEngine, NodeOptions, RunningNode } from './lib/local-node.mjs';
export const ES_VERSION: string;
export function elasticsearch(version?: string): LocalEngine;
export const engine: LocalEngine;
export function startNode(opts?: NodeOptions): Promise<RunningNode>;
export function stopNode(opts?: NodeOptions): Promise<boolean>;
export function nodeStatus(): Promise<{ running: boolean } & Partial<RunningNode>>;
