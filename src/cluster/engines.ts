/**
 * The registered engines. Adding an engine = a folder beside `elasticsearch/` and
 * `opensearch/` with its driver, and one line here.
 */
import type { EngineDriver, EngineName } from './engine.js';
import { elasticsearch } from './elasticsearch/index.js';
import { opensearch } from './opensearch/index.js';

export const ENGINES: readonly EngineDriver[] = [elasticsearch, opensearch];

export const ENGINE_NAMES: readonly EngineName[] = ENGINES.map((e) => e.name);

export function engineNamed(name: EngineName): EngineDriver {
  const e = ENGINES.find((x) => x.name === name);
  if (!e) throw new Error(`internal: no engine registered as ${name}`);
  return e;
}

/** `OpenSearch` for `opensearch`; an unregistered name as it is. */
export function engineLabel(name: string): string {
  return ENGINES.find((x) => x.name === name)?.label ?? name;
}
