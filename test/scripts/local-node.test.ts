// scripts/lib/local-node.mjs, the node manager behind `npm run es:start` / `os:start`
// and the tests' global setup: what it reuses, what it reports, what it stops.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failureLines, startNode, type LocalEngine } from '../../scripts/lib/local-node.mjs';
import { esUrl } from '../support/es.js';
import { scratchDir } from '../support/scratch.js';

/** An engine whose distribution must not be fetched in these tests. */
function engineIn(dir: string): LocalEngine {
  return {
    id: 'probe',
    name: 'Probe',
    version: '0.0.1',
    cacheDir: dir,
    ensureHome: () => {
      throw new Error('would fetch the distribution');
    },
  };
}

const scratch = (): string => scratchDir('local-node');

describe('startNode', () => {
  it('reuses a healthy node this checkout started and says it did not start it (so a test run leaves the demo\'s node up)', async () => {
    const dir = scratch();
    // A record of a live process whose URL answers: the node of the current engine project.
    const state = { url: esUrl(), pid: process.pid, port: Number(new URL(esUrl()).port), version: '0.0.1', runDir: join(dir, 'run') };
    writeFileSync(join(dir, 'node-0.0.1.json'), JSON.stringify(state));
    const lines: string[] = [];
    const node = await startNode(engineIn(dir), { log: (l) => lines.push(l) });
    expect(node.url).toBe(esUrl());
    expect(node.startedByUs).toBe(false);
    expect(lines.join('\n')).toMatch(/^reusing Probe 0\.0\.1 at /);
    expect(existsSync(join(dir, 'node-0.0.1.json'))).toBe(true);
  });

  it('drops the record of a node that died, then starts a new one', async () => {
    const dir = scratch();
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(dir, 'node-0.0.1.json'), JSON.stringify({ url: 'http://127.0.0.1:1', pid: dead, version: '0.0.1', runDir: join(dir, 'run') }));
    const lines: string[] = [];
    await expect(startNode(engineIn(dir), { log: (l) => lines.push(l) })).rejects.toThrow('would fetch the distribution');
    expect(lines[0]).toMatch(/^cleaning up a stale node record/);
    expect(existsSync(join(dir, 'node-0.0.1.json'))).toBe(false);
  });
});

describe('failureLines', () => {
  // The shape of Elasticsearch's console when its transport port was taken.
  const log = [
    '[2026-12-01T09:29:30,642][INFO ][o.e.b.Elasticsearch      ] [n] version[8.19.7], pid[7620]',
    '[2026-12-01T09:29:36,975][ERROR][o.e.b.Elasticsearch      ] [n] fatal exception while booting Elasticsearch',
    'org.elasticsearch.transport.BindTransportException: Failed to bind to 127.0.0.1:9300',
    '\tat org.elasticsearch.transport.netty4.Netty4Transport.bindToPort(Netty4Transport.java:337)',
    '\tat org.elasticsearch.transport.TcpTransport.bindServer(TcpTransport.java:441)',
    'Caused by: java.net.BindException: Address already in use',
    '\tat java.base/sun.nio.ch.Net.bind0(Native Method)',
    '\t... 12 more',
    '\tSuppressed: java.lang.RuntimeException: Rethrowing promise failure cause',
    'ERROR: Elasticsearch did not exit normally - check the logs at /x/logs/n.log',
  ].join('\n');

  it('keeps what went wrong and drops the Java stack trace', () => {
    const lines = failureLines(log);
    expect(lines).toEqual([
      '[2026-12-01T09:29:36,975][ERROR][o.e.b.Elasticsearch      ] [n] fatal exception while booting Elasticsearch',
      'org.elasticsearch.transport.BindTransportException: Failed to bind to 127.0.0.1:9300',
      'Caused by: java.net.BindException: Address already in use',
      'ERROR: Elasticsearch did not exit normally - check the logs at /x/logs/n.log',
    ]);
  });

  it('falls back to the last lines when no line names an error', () => {
    expect(failureLines('one\ntwo\n\tat x.y(Z.java:1)\nthree', 2)).toEqual(['two', 'three']);
  });
});
