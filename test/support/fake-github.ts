/**
 * A local HTTP server that plays the part of GitHub's REST API the action uses: list,
 * create and update the comments of an issue (a pull request). `mode` makes it refuse
 * writes as a fork's read-only token gets them refused (403), answer 502 to everything,
 * or never answer (a timeout). It closes when the test (or, started outside one, the
 * file) is done.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeWhenDone } from './servers.js';

export interface FakeComment {
  id: number;
  body: string;
  html_url: string;
}

export interface Recorded {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export type Mode = 'normal' | 'read-only' | 'down' | 'silent';

export interface FakeGitHub {
  url: string;
  mode: Mode;
  /** Comments per issue number. */
  comments: Map<number, FakeComment[]>;
  requests: Recorded[];
  close(): Promise<void>;
}

export async function fakeGitHub(repo: string): Promise<FakeGitHub> {
  let nextId = 1000;
  const state: Omit<FakeGitHub, 'url' | 'close'> = { mode: 'normal', comments: new Map(), requests: [] };
  const open = new Set<ServerResponse>();
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    state.requests.push({ method: req.method ?? '', path: url.pathname + url.search, authorization: req.headers.authorization, body: text ? JSON.parse(text) : undefined });
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (state.mode === 'silent') {
      open.add(res); // never answered
      return;
    }
    if (state.mode === 'down') return send(502, { message: 'Server Error' });
    if (req.headers.authorization !== 'Bearer ghs_test_TOKEN_do_not_log') return send(401, { message: 'Bad credentials' });
    const list = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    const one = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (list && list[1] === repo && req.method === 'GET') {
      const all = state.comments.get(Number(list[2])) ?? [];
      const per = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      return send(200, all.slice((page - 1) * per, page * per));
    }
    if (state.mode === 'read-only' && req.method !== 'GET') return send(403, { message: 'Resource not accessible by integration' });
    if (list && list[1] === repo && req.method === 'POST') {
      const n = Number(list[2]);
      const c = { id: nextId++, body: (JSON.parse(text) as { body: string }).body, html_url: '' };
      c.html_url = `https://github.example/${repo}/pull/${n}#issuecomment-${c.id}`;
      state.comments.set(n, [...(state.comments.get(n) ?? []), c]);
      return send(201, c);
    }
    if (one && one[1] === repo && req.method === 'PATCH') {
      for (const cs of state.comments.values()) {
        const c = cs.find((x) => x.id === Number(one[2]));
        if (c) {
          c.body = (JSON.parse(text) as { body: string }).body;
          return send(200, c);
        }
      }
    }
    return send(404, { message: 'Not Found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const close = closeWhenDone(server, () => {
    for (const res of open) res.destroy();
  });
  return Object.assign(state, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close }) as FakeGitHub;
}
