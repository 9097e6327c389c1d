/**
 * #13.1: a silent cluster (a server that accepts connections and never answers) is
 * given up on within the retry deadline (attempts × --timeout), and the message says
 * what esm was doing, how many attempts, for how long, and the timeout.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

let server: Server;
let url: string;
const sockets = new Set<Socket>();
const dir = mkdtempSync(path.join(tmpdir(), 'esm-timeout-'));
mkdirSync(path.join(dir, 'manifests'));

beforeAll(async () => {
  server = createServer((s) => {
    // Accept, read, never answer.
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const GAVE_UP = String.raw`after (\d+) attempts over (\d+(?:\.\d)?(?:ms|s)|\dm\d*s?)`;

describe('a silent cluster', () => {
  it('is given up on within attempts × --timeout, saying what esm was doing, how often and how long', async () => {
    const started = Date.now();
    const r = await runCli(['list', '--es-only', '--url', url, '--timeout', '200ms'], { cwd: dir });
    const took = Date.now() - started;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const m = new RegExp(`^esm: gave up on finding out which engine answers \\(GET /\\) ${GAVE_UP}: the cluster at ${url.replace(/\./g, '\\.')} did not answer within 200ms\\n$`).exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(2);
    expect(Number(m![1])).toBeLessThanOrEqual(5);
    // 5 attempts × 200 ms: the run ends in seconds, not the minutes a fixed 60 s timeout took.
    expect(took).toBeLessThan(20_000);
  });

  it('takes the timeout from ESM_TIMEOUT and from esm.config.yaml, and names the engine once it is known', async () => {
    const env = await runCli(['list', '--es-only', '--url', url, '--engine', 'elasticsearch'], { cwd: dir, env: { ESM_TIMEOUT: '300ms' } });
    expect(env.code).toBe(1);
    expect(env.stderr).toMatch(new RegExp(`^esm: gave up on \\S.* ${GAVE_UP}: Elasticsearch at ${url.replace(/\./g, '\\.')} did not answer within 300ms\\n$`));

    writeFileSync(path.join(dir, 'esm.config.yaml'), 'timeout: 250ms\nengine: opensearch\n');
    const file = await runCli(['list', '--es-only', '--url', url], { cwd: dir });
    rmSync(path.join(dir, 'esm.config.yaml'));
    expect(file.code).toBe(1);
    expect(file.stderr).toMatch(new RegExp(`: OpenSearch at ${url.replace(/\./g, '\\.')} did not answer within 250ms\\n$`));
  });

  it('refuses a timeout that is not a duration, as invalid input (exit 3)', async () => {
    const r = await runCli(['list', '--es-only', '--url', url, '--timeout', 'soon'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('esm: invalid timeout "soon" (from --timeout): expected a duration such as 30s, 2m, 500ms, or a number of seconds, between 1ms and 24h\n');
  });
});
