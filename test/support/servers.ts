/** Test servers (proxies, fakes, a silent cluster) that close themselves when the test, or the file, that started them is done. */
import type { Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { whenDone } from './scratch.js';

/**
 * The `close` of `server`: first `drop()` (ends what the server holds on purpose, such as
 * requests it never answers), then every open connection, and resolves once the server is
 * closed. Safe to call again; called by itself when the test is done.
 */
export function closeWhenDone(server: Server, drop: () => void = () => undefined): () => Promise<void> {
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      drop();
      server.closeAllConnections();
      server.close(() => resolve());
    }));
  whenDone(close);
  return close;
}

/** A connection to a silent server: when it opened and closed (performance.now()), and whether a request came on it. */
export interface SilentConnection {
  opened: number;
  closed?: number;
  request?: boolean;
}

export interface SilentServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every connection so far, in the order they opened (empty it with `connections.length = 0`). */
  connections: SilentConnection[];
  close(): Promise<void>;
}

/**
 * A cluster that never answers: a TCP server that accepts every connection, reads what comes
 * and says nothing, as a stalled node does. Closed (its connections dropped) when the test,
 * or, started outside one, the file, is done.
 */
export async function silentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  const connections: SilentConnection[] = [];
  const server = createNetServer((s) => {
    const conn: SilentConnection = { opened: performance.now() };
    connections.push(conn);
    s.once('data', () => (conn.request = true));
    sockets.add(s);
    s.on('close', () => {
      conn.closed = performance.now();
      sockets.delete(s);
    });
    s.resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }));
  whenDone(close);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections, close };
}
