/**
 * The field types the ECS-shaped mapping (ecs-like.ts) uses on the node of this run: where
 * the node lacks the module of a type (Elasticsearch's integ-test distribution has neither
 * `wildcard` nor `mapper-extras`), the nearest type it has, said once in the test output.
 */
import type { EcsTypes } from './ecs-like.js';
import { isOpenSearch, nodeModules, testEngine } from './es.js';

export async function ecsTypesOfThisNode(): Promise<EcsTypes> {
  const modules = await nodeModules();
  const types: EcsTypes = {
    wildcard: isOpenSearch() || modules.has('wildcard') ? 'wildcard' : 'keyword',
    text: isOpenSearch() || modules.has('mapper-extras') ? 'match_only_text' : 'text',
    flat: isOpenSearch() ? 'flat_object' : 'flattened',
  };
  const stand = [types.wildcard === 'keyword' ? 'keyword for wildcard' : null, types.text === 'text' ? 'text for match_only_text' : null].filter(Boolean);
  if (stand.length) console.log(`[${testEngine().id}] this node lacks modules of a full distribution: the ECS-shaped mapping uses ${stand.join(' and ')}`);
  return types;
}
