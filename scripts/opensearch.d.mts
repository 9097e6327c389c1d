import type { LocalEngine, NodeOptions, RunningNode } from './lib/local-node.mjs';
export const OPENSEARCH_VERSION: string;
export const engine: LocalEngine;
export function startNode(opts?: NodeOptions): Promise<RunningNode>;
export function stopNode(opts?: NodeOptions): Promise<boolean>;
export function nodeStatus(): Promise<{ running: boolean } & Partial<RunningNode>>;
export function missingModules(home: string): string[];
