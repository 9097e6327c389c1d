/** What both engines' client constructions share: the URL error, the transport parameters of a request. */
import { InvalidInputError } from '../errors.js';
import type { HttpRequest } from './engine.js';
import { displayUrl } from '../redact.js';

/** `make()` (a client constructor), its refusal of the URL as invalid input. */
export function constructClient<T>(url: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    throw new InvalidInputError(`cannot use the cluster URL ${displayUrl(url)}: ${(e as Error).message}`);
  }
}

/** The transport parameters of a request, without the parts it leaves out (pure). */
export function transportParams(req: HttpRequest): { method: string; path: string; querystring?: Record<string, string | number | boolean>; body?: never; bulkBody?: string } {
  const { method, path, querystring, body, bulkBody } = req;
  const q = querystring ? Object.fromEntries(Object.entries(querystring).filter((e): e is [string, string | number | boolean] => e[1] !== undefined)) : undefined;
  return { method, path, ...(q ? { querystring: q } : {}), ...(body !== undefined ? { body: body as never } : {}), ...(bulkBody !== undefined ? { bulkBody } : {}) };
}
