/**
 * Fault injection a real node cannot produce on demand: an HTTP proxy in front of
 * Elasticsearch that drops the connection of the first `dropFirst` requests, then
 * answers the next `failFirst` ones with `status` (a JSON error body and the
 * `x-elastic-product` header, as Elasticsearch would), then forwards everything
 * to the real node. `failFirst: Infinity` fails forever.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultPlan {
  failFirst?: number;
  status?: 429 | 502 | 503 | 504;
  dropFirst?: number;
}

export interface FaultProxy {
  url: string;
  /** Requests received so far (dropped, failed and forwarded). */
  readonly requests: number;
  /** Method and path of every request received, in order. */
  readonly log: ReadonlyArray<{ method: string; path: string }>;
  close(): Promise<void>;
}

const ERROR_TYPES: Record<number, string> = {
  429: 'es_rejected_execution_exception',
  502: 'bad_gateway',
  503: 'unavailable_shards_exception',
  504: 'gateway_timeout',
};

export async function startFaultProxy(targetUrl: string, plan: FaultPlan): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const dropFirst = plan.dropFirst ?? 0;
  const failFirst = plan.failFirst ?? 0;
  const status = plan.status ?? 503;
  let requests = 0;
  const log: { method: string; path: string }[] = [];

  const server = http.createServer((req, res) => {
    const n = ++requests;
    log.push({ method: req.method ?? '', path: req.url ?? '' });
    if (n <= dropFirst) {
      req.socket.destroy();
      return;
    }
    if (n <= dropFirst + failFirst) {
      req.resume();
      const body = JSON.stringify({ error: { type: ERROR_TYPES[status], reason: `fault injected by the test proxy (${status})` }, status });
      res.writeHead(status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
