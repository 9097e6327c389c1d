/**
 * sql.js, loaded once. The wasm file sits beside the bundle in `dist/` (copied
 * by the build); from `src` (vitest) it is resolved from the installed package.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import initSqlJs from 'sql.js';
import type { SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;

export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= (() => {
    const beside = fileURLToPath(new URL('sql-wasm.wasm', import.meta.url));
    const wasm = existsSync(beside) ? beside : createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm');
    return initSqlJs({ locateFile: () => wasm });
  })();
  return loading;
}
