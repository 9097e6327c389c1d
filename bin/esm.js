#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (npm run build).
// WebAssembly (sql.js) stays on V8's baseline compiler: its optimising tier-up runs on
// a background thread that Node waits for at exit (~50 ms on every command), and the
// history's queries and exports take no longer without it (measured).
import { setFlagsFromString } from 'node:v8';
setFlagsFromString('--no-wasm-tier-up');
setFlagsFromString('--no-wasm-dynamic-tiering');
import('../dist/cli.js').then((m) => m.main(process.argv.slice(2)));
