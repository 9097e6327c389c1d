/**
 * The three-node test bed (scripts/cluster.mjs) as the multi-node suite drives it: which
 * node holds what, killing a node and starting it again, and healing the bed after a
 * test so that the next one never inherits a dead node. esm and the tests talk to node 1
 * (the bed's URL); the nodes killed are the others.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as bed from '../../scripts/cluster.mjs';
import { esUrl } from './es.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/esm.js');
const log = (line: string) => process.stderr.write(`[bed] ${line}\n`);

/** The bed this checkout started, refused when the suite runs against another cluster (ESM_TEST_CLUSTER_URL elsewhere). */
async function control(): Promise<NonNullable<Awaited<ReturnType<typeof bed.clusterStatus>>>> {
  const st = await bed.clusterStatus();
  if (!st || st.url !== esUrl()) {
    throw new Error(
      `the multi-node suite stops and starts nodes of the bed this checkout started (npm run cluster:start); ${esUrl()} is not it${st ? ` (this checkout's bed is at ${st.url})` : ''}`,
    );
  }
  return st;
}

async function getJson<T>(p: string): Promise<T> {
  const res = await fetch(`${esUrl()}${p}`, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`GET ${p} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** 1-based number of the bed node named `name`. */
async function numberOf(name: string): Promise<number> {
  const st = await control();
  const i = st.nodes.findIndex((n) => n.name === name);
  if (i < 0) throw new Error(`no bed node named ${name}`);
  return i + 1;
}

/** A node other than node 1 that holds a primary shard of `index`. */
export async function nodeWithPrimary(index: string): Promise<number> {
  const rows = await getJson<Array<{ prirep: string; node: string | null; state: string }>>(`/_cat/shards/${encodeURIComponent(index)}?format=json&h=prirep,node,state`);
  const st = await control();
  const holder = rows.find((r) => r.prirep === 'p' && r.state === 'STARTED' && r.node && r.node !== st.nodes[0]!.name);
  if (!holder) throw new Error(`no node but node 1 holds a primary of ${index}: ${JSON.stringify(rows)}`);
  return numberOf(holder.node!);
}

/** The elected cluster manager when it is not node 1 (esm's URL), else node 2. */
export async function managerOrNode2(): Promise<number> {
  const rows = await getJson<Array<{ name: string; cluster_manager: string }>>('/_cat/nodes?format=json&h=name,cluster_manager');
  const manager = rows.find((r) => r.cluster_manager === '*')?.name;
  const n = manager ? await numberOf(manager) : 2;
  return n === 1 ? 2 : n;
}

export async function killNode(i: number): Promise<void> {
  await control();
  await bed.killNode(i, { log });
}

export async function restartNode(i: number): Promise<void> {
  await control();
  await bed.restartNode(i, { log });
}

/** Every node running and in the cluster again, and no index of the bed red: what each test starts from. */
export async function healBed(): Promise<void> {
  const st = await control();
  for (const [i, n] of st.nodes.entries()) if (!n.running) await bed.restartNode(i + 1, { log });
  await getJson(`/_cluster/health?wait_for_nodes=${st.nodes.length}&wait_for_status=yellow&timeout=120s`);
}

export interface Child {
  code: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  /** Resolves once stderr matches `re`. */
  when(re: RegExp): Promise<void>;
}

/** `esm argv` as a separate process (the built CLI), plain progress lines for every event. */
export function esmProcess(argv: string[], opts: { cwd: string; env: Record<string, string> }): Child {
  const child = spawn(process.execPath, [BIN, ...argv], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env, ESM_PROGRESS_INTERVAL_MS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString();
    for (const w of waiters.splice(0)) (w.re.test(err) ? w.resolve() : waiters.push(w));
  });
  const code = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return {
    code,
    stdout: () => out,
    stderr: () => err,
    when: (re) =>
      re.test(err)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ re, resolve })),
            code.then((c) => {
              throw new Error(`esm ${argv.join(' ')} exited (${c}) before its output matched ${re}:\n${err}`);
            }),
          ]),
  };
}
