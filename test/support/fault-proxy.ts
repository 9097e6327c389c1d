/**
 * Fault injection a real node cannot produce on demand: an HTTP proxy in front of
 * Elasticsearch. Of the requests `match` selects (default: every request; it sees
 * the body too), in order, the first `dropFirst` lose their connection before
 * reaching the node; the next `dropAfterFirst` reach it, are executed, and lose
 * their connection before the answer gets back; the next `failFirst` are answered
 * with `status` (a JSON error body and, on Elasticsearch, its `x-elastic-product`
 * header, as the engine would); the next `rejectItemsFirst` (bulk requests) are
 * answered 200 with every item rejected (429, or `rejectItemsAs` 503: its shard
 * unavailable, as when a node left), the node never seeing them; the
 * next `silentFirst` are never answered; the next `holdAfterFirst` reach the node,
 * are executed, and their answer is held back (never sent): `executed` resolves
 * when the first such answer came back, the moment to kill the client. Everything
 * else is forwarded. Any count may be Infinity. The proxy records every request:
 * method, path, what was done with it and the node's status.
 * The proxy closes when the test (or, started outside one, the file) is done.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isOpenSearch } from './es.js';
import { closeWhenDone } from './servers.js';

export interface FaultPlan {
  /** Which requests the faults apply to (`body`: the request body as text); the others are always forwarded. */
  match?: (req: { method: string; path: string; body: string }) => boolean;
  dropFirst?: number;
  dropAfterFirst?: number;
  failFirst?: number;
  status?: 429 | 502 | 503 | 504;
  rejectItemsFirst?: number;
  /** How rejected items are answered: 429 (the node too busy, default) or 503 (their shard unavailable). */
  rejectItemsAs?: 429 | 503;
  silentFirst?: number;
  holdAfterFirst?: number;
}

/** One request as the proxy saw it: what it did with it, and the node's status when the node answered. */
export interface Recorded {
  method: string;
  path: string;
  fault: Fault | null;
  status?: number;
}

export interface FaultProxy {
  url: string;
  /** Requests received so far (dropped, failed and forwarded). */
  readonly requests: number;
  /** Requests `match` selected so far. */
  readonly matched: number;
  /** Every request received, in order: method, path, the fault applied (null: forwarded) and the node's status. */
  readonly log: ReadonlyArray<Recorded>;
  /** Resolves when the node executed the first request whose answer is held (holdAfterFirst). */
  readonly executed: Promise<Recorded>;
  /** Stop now (also done when the test is done); a second call does nothing. */
  close(): Promise<void>;
}

const ERROR_TYPES: Record<number, string> = {
  429: 'es_rejected_execution_exception',
  502: 'bad_gateway',
  503: 'unavailable_shards_exception',
  504: 'gateway_timeout',
};

/** An injected answer's headers, as the engine under test would send them (only Elasticsearch names itself). */
const headers = (): Record<string, string> => (isOpenSearch() ? { 'content-type': 'application/json' } : { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });

export async function startFaultProxy(targetUrl: string, plan: FaultPlan): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const match = plan.match ?? (() => true);
  const bounds: Array<[kind: Fault, count: number]> = [
    ['drop', plan.dropFirst ?? 0],
    ['drop_after', plan.dropAfterFirst ?? 0],
    ['fail', plan.failFirst ?? 0],
    ['reject_items', plan.rejectItemsFirst ?? 0],
    ['silent', plan.silentFirst ?? 0],
    ['hold_after', plan.holdAfterFirst ?? 0],
  ];
  const status = plan.status ?? 503;
  let requests = 0;
  let matched = 0;
  const log: Recorded[] = [];
  const held = new Set<Socket>();
  let onExecuted: (r: Recorded) => void = () => {};
  const executed = new Promise<Recorded>((resolve) => (onExecuted = resolve));

  const faultOf = (n: number): Fault | null => {
    let upTo = 0;
    for (const [kind, count] of bounds) {
      upTo += count;
      if (n <= upTo) return kind;
    }
    return null;
  };

  const forward = (req: http.IncomingMessage, body: Buffer, onAnswer: (up: http.IncomingMessage, bytes: Buffer) => void, res: http.ServerResponse) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => onAnswer(up, Buffer.concat(chunks)));
        up.on('error', () => res.destroy());
      },
    );
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  };

  const server = http.createServer((req, res) => {
    requests++;
    const entry: Recorded = { method: req.method ?? '', path: req.url ?? '', fault: null };
    log.push(entry);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const fault = match({ method: entry.method, path: entry.path, body: body.toString('utf8') }) ? faultOf(++matched) : null;
      entry.fault = fault;
      switch (fault) {
        case 'drop':
          req.socket.destroy();
          return;
        case 'drop_after':
          // The node executes the request; its answer is lost on the way back.
          forward(
            req,
            body,
            (up) => {
              entry.status = up.statusCode;
              req.socket.destroy();
            },
            res,
          );
          return;
        case 'hold_after':
          // The node executes the request; its answer never leaves the proxy.
          held.add(req.socket);
          forward(
            req,
            body,
            (up) => {
              entry.status = up.statusCode;
              onExecuted(entry);
            },
            res,
          );
          return;
        case 'fail': {
          const text = JSON.stringify({ error: { type: ERROR_TYPES[status], reason: `fault injected by the test proxy (${status})` }, status });
          res.writeHead(status, { ...headers(), 'content-length': Buffer.byteLength(text) });
          res.end(text);
          return;
        }
        case 'reject_items': {
          const text = JSON.stringify(rejectEveryItem(body, plan.rejectItemsAs ?? 429));
          res.writeHead(200, { ...headers(), 'content-length': Buffer.byteLength(text) });
          res.end(text);
          return;
        }
        case 'silent':
          held.add(req.socket);
          return;
        case null:
          forward(
            req,
            body,
            (up, bytes) => {
              entry.status = up.statusCode;
              res.writeHead(up.statusCode ?? 502, up.headers);
              res.end(bytes);
            },
            res,
          );
          return;
        default:
          fault satisfies never;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = closeWhenDone(server, () => {
    for (const s of held) s.destroy();
  });
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    get matched() {
      return matched;
    },
    log,
    executed,
    close,
  };
}

export type Fault = 'drop' | 'drop_after' | 'fail' | 'reject_items' | 'silent' | 'hold_after';

/** The answer of a bulk request whose every action was rejected: 429 (the node was too busy) or 503 (the shard unavailable). */
function rejectEveryItem(body: Buffer, status: 429 | 503): unknown {
  const error =
    status === 429
      ? { type: 'es_rejected_execution_exception', reason: 'rejected execution of coordinating operation (fault injected by the test proxy)' }
      : { type: 'unavailable_shards_exception', reason: 'primary shard is not active Timeout: [10s] (fault injected by the test proxy)' };
  const lines = body.toString('utf8').split('\n').filter((l) => l.trim() !== '');
  const items: unknown[] = [];
  for (let i = 0; i < lines.length; i++) {
    let action: Record<string, { _index?: string; _id?: string }>;
    try {
      action = JSON.parse(lines[i]!) as typeof action;
    } catch {
      continue;
    }
    const op = Object.keys(action)[0] ?? 'index';
    if (op !== 'delete') i++; // the document line
    const meta = action[op] ?? {};
    items.push({
      [op]: {
        _index: meta._index,
        _id: meta._id,
        status,
        error,
      },
    });
  }
  return { took: 1, errors: true, items };
}

/** Selects bulk requests. */
export const isBulk = (r: { path: string }): boolean => /(^|\/)_bulk(\?|$)/.test(r.path);
