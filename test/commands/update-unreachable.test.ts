/**
 * SPEC §9: a cluster that drops every request makes `esm update` give up after
 * its retries with a clear error, and the action is recorded as failed — also
 * when nothing could be written at all. A fault proxy in front of the real node
 * drops every connection.
 */
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/history/index.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { esUrl } from '../support/es.js';
import type { TempProject } from '../support/project.js';
import { instance, ok, project } from './helpers.js';

async function journal(t: TempProject) {
  const store = await HistoryStore.open(t.statePath, { readOnly: true });
  try {
    return store.listActions();
  } finally {
    store.close();
  }
}

describe('esm update against a cluster that drops every request', () => {
  it.each([
    ['the master', ['update', 'movies'], null],
    ['an instance', ['update', 'movies-1'], 'movies-1'],
  ])('naming %s: exit 1, one message, and a failed update in the history', async (_what, argv, instanceSuffix) => {
    const p = project('upfail', { movies: { docs: 3 } });
    await instance(p, 'movies');
    await ok(p, ['activate', 'movies']);
    const before = (await journal(p)).length;
    const proxy = await startFaultProxy(esUrl(), { dropFirst: Infinity });

    const r = await p.cli([...argv.map((a) => (a === 'movies-1' ? `${p.prefix}movies-1` : a))], { env: { ESM_URL: proxy.url, ESM_TIMEOUT: '2s' } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(proxy.requests).toBeGreaterThan(0);

    const actions = await journal(p);
    expect(actions.length).toBe(before + 1);
    expect(actions[0]).toMatchObject({
      action: 'update',
      master: 'movies',
      instance: instanceSuffix === null ? null : `${p.prefix}${instanceSuffix}`,
      status: 'failed',
      error: expect.any(String),
    });
    expect(r.stderr).toContain(actions[0]!.error!.split('\n')[0]!.slice(0, 40));
    const history = await ok(p, ['history', '--json']);
    expect(history.json().actions[0]).toMatchObject({ action: 'update', status: 'failed' });
  });
});
