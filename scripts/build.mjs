#!/usr/bin/env node
// `npm run build`: the package's dist/, as published and as the tests spawn it.
//
//   dist/cli.js, dist/index.js  one esbuild bundle of src/ and its dependencies, split into
//                               chunks, so that a command loads only the code it runs (the
//                               library is imported lazily by the commands);
//   dist/chunks/sql-wasm.wasm   sql.js's wasm, beside the chunk that loads it;
//   dist/yaml.cjs               the yaml library in one CommonJS file, required synchronously on
//                               first use (src/manifest/yaml-lib.ts): the full YAML reader and the
//                               manifest writer need it, a plan whose manifests read the fast
//                               way does not load it;
//   dist/**/*.d.ts              tsc's declarations, for library users.
//
// The JSON Schemas are compiled here, from schemas/ as they are now, into ajv's standalone
// code that replaces src/manifest/validators.ts in the bundle: the CLI neither loads ajv
// nor compiles a schema per run, and nothing generated is committed (so nothing can drift).
//
//   dist/build-source.sha256    what the bundle was built from (scripts/lib/source-hash.mjs):
//                               the tests that spawn bin/esm.js refuse a bundle older than src/.
//
// `--bundle-only` skips the declarations (what the tests and the mutation check need).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { SOURCE_STAMP, sourceHash } from './lib/source-hash.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const require = createRequire(import.meta.url);
// The schemas esm validates input with; plan.schema.json describes esm's own output (`plan --json`)
// for its readers and the tests, and is left out of the bundle (130 KB that `esm plan` would load).
const SCHEMAS = ['manifest', 'config'];

/** ajv standalone code for every schema, built with the options src/manifest/ajv-options.ts holds. */
async function validatorsModule() {
  const options = await build({ entryPoints: [join(ROOT, 'src/manifest/ajv-options.ts')], bundle: true, format: 'esm', write: false, logLevel: 'silent' });
  const { AJV_OPTIONS } = await import(`data:text/javascript;base64,${Buffer.from(options.outputFiles[0].text).toString('base64')}`);
  const { Ajv } = require('ajv');
  const standaloneCode = require('ajv/dist/standalone').default;
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
  for (const name of SCHEMAS) ajv.addSchema(JSON.parse(readFileSync(join(ROOT, 'schemas', `${name}.schema.json`), 'utf8')), name);
  const code = standaloneCode(ajv, Object.fromEntries(SCHEMAS.map((n) => [n, n])));
  return `${code}\nconst VALIDATORS = { ${SCHEMAS.join(', ')} };\nexport function compileValidator(name) {\n  const v = VALIDATORS[name];\n  if (!v) throw new Error('no precompiled validator for ' + name);\n  return v;\n}\n`;
}

const BANNER = [
  "import { createRequire as __esmCreateRequire } from 'node:module';",
  "import { fileURLToPath as __esmFileURLToPath } from 'node:url';",
  'const require = __esmCreateRequire(import.meta.url);',
  'const __filename = __esmFileURLToPath(import.meta.url);',
  "const __dirname = __esmFileURLToPath(new URL('.', import.meta.url));",
];

/**
 * The banner's lines a chunk does not use, taken out again: most chunks are esm's own code,
 * and a `createRequire` and two URL conversions in each of the ~80 chunks `esm plan` loads
 * are a measurable part of its start-up. A word that merely looks like a use keeps its line.
 */
function trimBanner(dir) {
  for (const entry of readdirSync(dir, { recursive: true })) {
    if (!entry.endsWith('.js')) continue;
    const file = join(dir, entry);
    const text = readFileSync(file, 'utf8');
    const head = BANNER.join('\n') + '\n';
    if (!text.startsWith(head)) continue;
    const body = text.slice(head.length);
    const uses = (word) => new RegExp(`\\b${word}\\b`).test(body);
    const keep = [];
    const req = uses('require');
    const file_ = uses('__filename');
    const dir_ = uses('__dirname');
    if (req) keep.push(BANNER[0]);
    if (file_ || dir_) keep.push(BANNER[1]);
    if (req) keep.push(BANNER[2]);
    if (file_) keep.push(BANNER[3]);
    if (dir_) keep.push(BANNER[4]);
    writeFileSync(file, (keep.length ? keep.join('\n') + '\n' : '') + body);
  }
}

/** The yaml library as one CommonJS file beside the bundle: required synchronously, and only when used. */
const YAML_CJS = 'yaml.cjs';

const precompiled = (code) => ({
  name: 'esm-precompiled',
  setup(b) {
    b.onResolve({ filter: /^\.\/validators\.js$/ }, (args) =>
      args.importer.endsWith(join('src', 'manifest', 'schemas.ts')) ? { path: 'validators', namespace: 'esm-precompiled' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'esm-precompiled' }, () => ({ contents: code, loader: 'js', resolveDir: ROOT }));
    // The yaml library, required from dist/yaml.cjs on first use (src/manifest/yaml-lib.ts).
    b.onResolve({ filter: /\/yaml-lib\.js$/ }, (args) =>
      resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')) === join(ROOT, 'src', 'manifest', 'yaml-lib.ts') ? { path: 'yaml-lib', namespace: 'esm-yaml-lib' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'esm-yaml-lib' }, () => ({
      contents: [
        "import { createRequire } from 'node:module';",
        `import { packageFile } from ${JSON.stringify(join(ROOT, 'src', 'package-root.ts'))};`,
        'let lib;',
        `export function yamlLib() { return (lib ??= createRequire(import.meta.url)(packageFile('dist', ${JSON.stringify(YAML_CJS)}))); }`,
      ].join('\n'),
      loader: 'js',
      resolveDir: ROOT,
    }));
  },
});

async function main() {
  const bundleOnly = process.argv.includes('--bundle-only');
  // Read before the bundle: a source edited while it builds makes the stamp stale, not wrong.
  const source = sourceHash(ROOT);
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  const t0 = Date.now();
  await build({
    absWorkingDir: ROOT,
    entryPoints: { cli: 'src/cli.ts', index: 'src/index.ts' },
    outdir: DIST,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    // CommonJS dependencies call require(), __dirname: give every chunk its own.
    // (trimmed afterwards to what each chunk uses: trimBanner)
    banner: { js: BANNER.join('\n') },
    // Ink's optional React devtools hook is loaded only with DEV=true and is not a dependency.
    external: ['react-devtools-core'],
    plugins: [precompiled(await validatorsModule())],
    logLevel: 'warning',
  });
  trimBanner(DIST);
  await build({ entryPoints: [require.resolve('yaml')], outfile: join(DIST, YAML_CJS), bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning' });
  copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), join(DIST, 'chunks', 'sql-wasm.wasm'));
  writeFileSync(join(DIST, SOURCE_STAMP), `${source}\n`);
  const bundled = Date.now() - t0;
  if (bundleOnly) {
    process.stderr.write(`build: bundle ${bundled} ms (no declarations)\n`);
    return;
  }
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  process.stderr.write(`build: bundle ${bundled} ms, declarations ${Date.now() - t0 - bundled} ms\n`);
}

main().catch((e) => {
  process.stderr.write(`build failed: ${e.message}\n`);
  process.exitCode = 1;
});
