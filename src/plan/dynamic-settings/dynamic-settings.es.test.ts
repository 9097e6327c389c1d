/**
 * Each engine's list of dynamic index settings, checked against the real node of its
 * version: every index setting the node registers that the list names is taken by
 * `PUT <index>/_settings` on an open index, and every one it takes is on the list
 * (the list is neither wrong nor short for what the node registers). Keys the node does
 * not register (modules its distribution lacks) are named, not counted as checked.
 */
import { describe, expect, it } from 'vitest';
import { esUrl, scratchPrefix, testEngine, testEngineName } from '../../../test/support/es.js';
import { DYNAMIC_SETTINGS_LISTS, dynamicSettingsFor } from './index.js';

const prefix = scratchPrefix('dynset');

const engine = testEngineName();
const version = testEngine().version;
const major = Number.parseInt(version, 10);
const list = DYNAMIC_SETTINGS_LISTS.find((l) => l.engine === engine && l.major === major);
/** Registered by old versions only so that old indices open: taking one breaks every later settings update. */
const TRAPS = new Set(['index.mapper.dynamic', 'index.optimize_auto_generated_id']);
/** Dynamic, but taken only by an index in time_series mode (8.19 checks that, 9.x does not). */
const TIME_SERIES_ONLY = new Set(['index.time_series.end_time']);

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${esUrl()}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

let n = 0;
async function openIndex(): Promise<string> {
  const index = `${prefix}${++n}`;
  const r = await call('PUT', `/${index}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  expect(r.status).toBe(200);
  return index;
}

describe(`the dynamic settings list of ${testEngine().name} ${version}`, () => {
  it('exists for this engine and major version', () => {
    expect(list, `no list for ${engine} ${major}`).toBeDefined();
    expect(dynamicSettingsFor(engine, version).label).toBe(`${testEngine().name} ${major}`);
  });

  it('names only settings the node takes on an open index, and every one it takes', async () => {
    const probe = await openIndex();
    const read = await call('GET', `/${probe}/_settings?include_defaults=true&flat_settings=true`);
    const registered: Record<string, unknown> = { ...read.body[probe].defaults, ...read.body[probe].settings };
    const listed = new Set(list!.keys);

    // Every listed key the node registers, with its default value, in one request on an open index.
    const body = Object.fromEntries(Object.entries(registered).filter(([k]) => listed.has(k) && !TIME_SERIES_ONLY.has(k)));
    const all = await call('PUT', `/${(await openIndex())}/_settings`, body);
    expect(all.body?.error?.reason ?? null).toBeNull();
    expect(Object.keys(body).length).toBeGreaterThan(50);

    // Every registered key not on the list is refused (static, private, final or unknown).
    const taken: string[] = [];
    const target = await openIndex();
    for (const [key, value] of Object.entries(registered)) {
      if (listed.has(key) || TRAPS.has(key) || !key.startsWith('index.')) continue;
      if ((await call('PUT', `/${target}/_settings`, { [key]: value })).status === 200) taken.push(key);
    }
    expect(taken, 'dynamic on the node, missing from the list').toEqual([]);

    const notRegistered = list!.keys.filter((k) => !(k in registered) || TIME_SERIES_ONLY.has(k));
    if (notRegistered.length) console.log(`[${testEngine().id}] not registered by this node (its distribution lacks the module), or taken by a time_series index only: not checked here: ${notRegistered.join(', ')}`);
  });

  it('takes the routing filters, the prefix settings of the list, in place', async () => {
    const index = await openIndex();
    for (const p of list!.prefixes) {
      const r = await call('PUT', `/${index}/_settings`, { [`${p}_name`]: '' });
      expect(r.status, `${p}_name`).toBe(200);
    }
  });
});
