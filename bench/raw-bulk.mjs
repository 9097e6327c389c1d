#!/usr/bin/env node
// The node's ceiling for a fill: no parsing and no serialising while the clock runs.
// The NDJSON file is read and cut into ready-made `_bulk` bodies first (action line with
// the document's id + the line as it is in the file); then the clock starts, the bodies
// are sent over keep-alive connections, `inflight` requests at a time, and the index is
// refreshed (esm's fill ends with a refresh too).
// Usage: node bench/raw-bulk.mjs <url> <index> <file.ndjson> <docsPerRequest> <inflight> [maxDocs]
// Prints one JSON line: { docs, requests, ms, cpu, nodeCpu }: cpu is this process's CPU
// seconds while the clock ran; nodeCpu the node's (when BENCH_NODE_PID names the node's
// process on this machine, else null).
import { createReadStream, readFileSync } from 'node:fs';
import http from 'node:http';
import { createInterface } from 'node:readline';

const [url, index, file, perRequestArg, inflightArg, maxDocsArg] = process.argv.slice(2);
const perRequest = Number(perRequestArg);
const inflight = Number(inflightArg);
const maxDocs = maxDocsArg ? Number(maxDocsArg) : Infinity;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: inflight });

async function bodies() {
  const out = [];
  let parts = [];
  let docs = 0;
  for await (const line of createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity })) {
    if (!line) continue;
    if (docs >= maxDocs) break;
    const id = JSON.parse(line).id;
    parts.push(`{"index":{"_id":${JSON.stringify(String(id))}}}\n${line}\n`);
    docs++;
    if (parts.length === perRequest) {
      out.push(Buffer.from(parts.join('')));
      parts = [];
    }
  }
  if (parts.length) out.push(Buffer.from(parts.join('')));
  return { out, docs };
}

function request(method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: target.hostname, port: target.port || 80, method, path, headers: body ? { 'content-type': 'application/x-ndjson', 'content-length': body.length } : {} },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode >= 300) return reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 500)}`));
          resolve(text);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const { out, docs } = await bodies();
const path = `/${encodeURIComponent(index)}/_bulk?filter_path=errors`;
const nodePid = process.env.BENCH_NODE_PID;
const nodeTicks = () => {
  if (!nodePid) return null;
  try {
    const f = readFileSync(`/proc/${nodePid}/stat`, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
};
const node0 = nodeTicks();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let next = 0;
async function worker() {
  while (next < out.length) {
    const body = out[next++];
    const res = JSON.parse(await request('POST', path, body));
    if (res.errors) throw new Error('a bulk request had item errors');
  }
}
await Promise.all(Array.from({ length: inflight }, worker));
await request('POST', `/${encodeURIComponent(index)}/_refresh`);
const ms = performance.now() - t0;
const used = process.cpuUsage(cpu0);
const node1 = nodeTicks();
agent.destroy();
const nodeCpu = node0 !== null && node1 !== null ? (node1 - node0) / 100 : null; // clock ticks (USER_HZ = 100)
console.log(JSON.stringify({ docs, requests: out.length, ms, cpu: (used.user + used.system) / 1e6, nodeCpu }));
