/**
 * A silent cluster (a server that accepts connections and never answers) is
 * given up on within the bound the message states (attempts × --timeout), and the message
 * says what esm was doing, how many attempts, for how long, and the timeout.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/history/index.js';
import { runCli } from '../support/cli.js';
import { scratchDir } from '../support/scratch.js';
import { silentServer, type SilentConnection } from '../support/servers.js';

let url: string;
/** When each connection was opened and closed, as the server saw it. */
let seen: SilentConnection[] = [];
const dir = scratchDir('timeout');
mkdirSync(path.join(dir, 'manifests'));

beforeAll(async () => {
  const silent = await silentServer();
  url = silent.url;
  seen = silent.connections;
});

const DURATION = String.raw`\d+(?:\.\d+)?(?:ms|s)|\d+m(?:\d+(?:\.\d+)?s)?`;
const GAVE_UP = String.raw`after (\d+) attempts over (${DURATION})`;
const BOUND = String.raw`; given up within the bound of (${DURATION}) \(5 × the (${DURATION}) timeout\)`;

/** `1.5s`, `300ms`, `2m30s` → milliseconds. */
function ms(d: string): number {
  const m = /^(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(d)!;
  return (Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 1000 + Number(m[3] ?? 0);
}

describe('a silent cluster', () => {
  it('is given up on within attempts × --timeout, saying what esm was doing, how often and how long', async () => {
    const r = await runCli(['list', '--es-only', '--url', url, '--timeout', '500ms'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const m = new RegExp(`^esm: gave up on finding out which engine answers \\(GET /\\) ${GAVE_UP}: the cluster at ${url.replace(/\./g, '\\.')} did not answer within 500ms${BOUND}\\n$`).exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(2);
    expect(Number(m![1])).toBeLessThanOrEqual(5);
    expect(m![3]).toBe('2.5s');
    expect(m![4]).toBe('500ms');
  });

  it('ends within the bound its message states, as the hanging server measures it (an apply with ESM_TIMEOUT=5s), and leaves a failed lock row', async () => {
    seen.length = 0;
    const state = path.join(dir, 'bound.sqlite');
    const r = await runCli(['apply', '--auto-approve', '--url', url, '--state', state], { cwd: dir, env: { ESM_TIMEOUT: '5s' } });
    expect(r.code).toBe(1);
    const m = new RegExp(`^esm: gave up on finding out which engine answers \\(GET /\\) ${GAVE_UP}: the cluster at \\S+ did not answer within 5s${BOUND}\\n$`).exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const [attempts, over, bound] = [Number(m![1]), ms(m![2]!), ms(m![3]!)];
    expect(bound).toBe(25_000);
    // Every attempt waited its whole timeout: each connection lived 5 s, and there were as many as attempts.
    expect(seen.length).toBe(attempts);
    expect(attempts).toBeGreaterThanOrEqual(3);
    for (const c of seen) expect(c.closed! - c.opened).toBeGreaterThanOrEqual(4_900);
    // The bound holds as esm's own timers drive it: the last attempt started early enough for its whole
    // timeout to end within the bound (measured by the server, from the first connection). How late a busy
    // machine fires that last timer is the scheduler's, not esm's, and is left out: it cannot fail this spuriously.
    const last = seen.at(-1)!;
    expect(last.opened - seen[0]!.opened + 5_000).toBeLessThanOrEqual(bound);
    expect(over).toBeGreaterThanOrEqual(attempts * 5_000);
    // The run failed before its first action: one failed `lock` row says why.
    const store = await HistoryStore.open(state, { readOnly: true });
    expect(store.listActions().map((a) => [a.action, a.status, a.error])).toEqual([['lock', 'failed', r.stderr.replace(/^esm: /, '').trim()]]);
    store.close();
  });

  it('takes the timeout from ESM_TIMEOUT and from esm.config.yaml, and names the engine once it is known', async () => {
    const env = await runCli(['list', '--es-only', '--url', url, '--engine', 'elasticsearch'], { cwd: dir, env: { ESM_TIMEOUT: '300ms' } });
    expect(env.code).toBe(1);
    expect(env.stderr).toMatch(new RegExp(`^esm: .*Elasticsearch at ${url.replace(/\./g, '\\.')} did not answer within 300ms`));

    writeFileSync(path.join(dir, 'esm.config.yaml'), 'timeout: 250ms\nengine: opensearch\n');
    const file = await runCli(['list', '--es-only', '--url', url], { cwd: dir });
    rmSync(path.join(dir, 'esm.config.yaml'));
    expect(file.code).toBe(1);
    expect(file.stderr).toMatch(new RegExp(`^esm: .*OpenSearch at ${url.replace(/\./g, '\\.')} did not answer within 250ms`));
  });

  it('refuses a timeout that is not a duration, as invalid input (exit 3)', async () => {
    const r = await runCli(['list', '--es-only', '--url', url, '--timeout', 'soon'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('esm: invalid timeout "soon" (from --timeout): expected a duration such as 30s, 2m, 500ms, or a number of seconds, between 1ms and 24h\n');
  });
});
