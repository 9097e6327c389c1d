/**
 * Each engine's list of field types, against the real node of its engine: every type of
 * the server is there; a module's type is there when the node has the module (the test
 * distributions lack some, named in the output, not counted as checked); a type of the other
 * engine that this engine's list lacks is refused by the node, as the list says.
 */
import { describe, expect, it } from 'vitest';
import { esUrl, isOpenSearch, testEngine } from '../../../test/support/es.js';
import { ELASTICSEARCH_TYPES } from './elasticsearch.js';
import { OPENSEARCH_TYPES } from './opensearch.js';

const mine = isOpenSearch() ? OPENSEARCH_TYPES : ELASTICSEARCH_TYPES;
const other = isOpenSearch() ? ELASTICSEARCH_TYPES : OPENSEARCH_TYPES;

/** The parameters a type cannot do without. */
const PARAMS: Record<string, Record<string, unknown>> = {
  scaled_float: { scaling_factor: 100 },
  join: { relations: { question: 'answer' } },
  alias: { path: 'k' },
  token_count: { analyzer: 'standard' },
  dense_vector: { dims: 3 },
  knn_vector: { dimension: 3 },
  aggregate_metric_double: { metrics: ['min'], default_metric: 'min' },
  passthrough: { priority: 10 },
};

/** Whether the node knows the type: it may refuse the field for other reasons (parameters), not for its type. */
async function knows(type: string): Promise<boolean> {
  const body = { index_patterns: ['esm-types-probe'], priority: 1, template: { mappings: { properties: { k: { type: 'keyword' }, f: { type, ...(PARAMS[type] ?? {}) } } } } };
  const res = await fetch(`${esUrl()}/_index_template/_simulate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.ok) return true;
  const text = await res.text();
  return !/does not exist|No handler for type/.test(text);
}

async function nodeModules(): Promise<Set<string>> {
  const nodes = (await fetch(`${esUrl()}/_nodes/plugins?filter_path=nodes.*.modules.name,nodes.*.plugins.name`).then((r) => r.json())) as { nodes: Record<string, { modules?: { name: string }[]; plugins?: { name: string }[] }> };
  return new Set(Object.values(nodes.nodes).flatMap((n) => [...(n.modules ?? []), ...(n.plugins ?? [])].map((m) => m.name)));
}

describe(`the field types of ${testEngine().name} ${testEngine().version}`, () => {
  it('the server has every server type of the list', async () => {
    const missing = [];
    for (const t of mine.server) if (!(await knows(t))) missing.push(t);
    expect(missing).toEqual([]);
  });

  it("a module's types are there when the node has the module", async () => {
    const modules = await nodeModules();
    const absent: string[] = [];
    for (const [module, types] of Object.entries(mine.modules)) {
      for (const t of types) {
        const known = await knows(t);
        // Elasticsearch names its x-pack modules x-pack-<name>.
        if (modules.has(module) || modules.has(`x-pack-${module}`)) expect(known, `${t} of module ${module}`).toBe(true);
        else if (!known) absent.push(`${t} (${module})`);
      }
    }
    if (absent.length) console.log(`[${testEngine().id}] the node lacks these modules, so their types are not checked here: ${absent.join(', ')}`);
  });

  it("the other engine's types this list lacks are refused by the node", async () => {
    const all = (l: typeof mine) => new Set([...l.server, ...Object.values(l.modules).flat(), ...Object.values(l.plugins).flat()]);
    const mineAll = all(mine);
    const lacked = [...all(other)].filter((t) => !mineAll.has(t));
    expect(lacked.length).toBeGreaterThan(0);
    const known = [];
    for (const t of lacked) if (await knows(t)) known.push(t);
    expect(known).toEqual([]);
  });
});
