// elasticdump reads the cluster's version from `GET /`, which Elasticsearch's
// integ-test distribution does not serve (405). This pass-through proxy answers
// `GET /` with the version from `_nodes/_local` and forwards every other request
// unchanged (bodies streamed). Used only when `GET /` fails on the target.
import { createServer, request } from 'node:http';

/** Starts the shim in front of `target`; resolves { url, close }. */
export async function startRootShim(target) {
  const upstream = new URL(target);
  const nodes = await (await fetch(new URL('/_nodes/_local?filter_path=nodes.*.version', upstream))).json();
  const number = Object.values(nodes.nodes ?? {})[0]?.version ?? '8.0.0';
  const health = await (await fetch(new URL('/_cluster/health', upstream))).json();
  const root = JSON.stringify({ name: 'shim', cluster_name: health.cluster_name, version: { number, build_flavor: 'default' }, tagline: 'You Know, for Search' });

  const server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/' || req.url?.startsWith('/?'))) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(root);
      return;
    }
    const fwd = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    fwd.on('error', (e) => {
      res.writeHead(502);
      res.end(String(e));
    });
    req.pipe(fwd);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}
