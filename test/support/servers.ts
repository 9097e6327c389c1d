/** Test servers (proxies, fakes) that close themselves when the test, or the file, that started them is done. */
import type { Server } from 'node:http';
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
