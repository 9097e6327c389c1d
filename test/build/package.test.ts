/**
 * The published package, as a user gets it: `npm pack` of the project's committed
 * files (no dist/ yet: prepack builds it), installed from the tarball into a scratch
 * project, `npx esm --help` and `npx esm-migrations --help` run there, and the README's
 * library example type-checked against the installed declarations with skipLibCheck off.
 * npm installs from its local cache when it holds every package (CI's `npm ci` fills it),
 * from the registry otherwise.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };

const GOOD_MANIFEST = 'apiVersion: esm/v1\nkind: IndexMaster\nmetadata: { name: movies }\nspec:\n  mappings: { properties: { id: { type: keyword } } }\n  source: { type: ndjson, path: ../data/movies.ndjson }\n  idField: id\n';

let work: string;
let tarball: string;
let files: string[];
let scratch: string;

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'esm-pack-'));
  // A fresh clone's files: what git tracks, without the build output.
  const clone = path.join(work, 'clone');
  for (const f of execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean)) {
    mkdirSync(path.dirname(path.join(clone, f)), { recursive: true });
    cpSync(path.join(ROOT, f), path.join(clone, f));
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], clone)) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(work, packed[0]!.filename);
  files = packed[0]!.files.map((f) => f.path);

  scratch = path.join(work, 'user');
  mkdirSync(scratch);
  writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true, type: 'module' }));
  run('npm', ['install', '--prefer-offline', '--no-package-lock', tarball, `@types/node@${pkg.devDependencies['@types/node']}`], scratch);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('installing before the package is published (README "Install")', () => {
  const readme = () => readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  it('the tarball the README names is the one npm pack writes, and `npx esm-migrations validate` runs from its install', () => {
    expect(path.basename(tarball)).toBe(`esm-migrations-${pkg.version}.tgz`);
    expect(readme()).toContain(`npm ci && npm pack `);
    expect(readme()).toContain(`npm install --save-dev ../esm/${path.basename(tarball)}`);
    const project = path.join(work, 'from-tarball');
    mkdirSync(path.join(project, 'manifests'), { recursive: true });
    mkdirSync(path.join(project, 'data'));
    writeFileSync(path.join(project, 'manifests', 'movies.yaml'), GOOD_MANIFEST);
    writeFileSync(path.join(project, 'data', 'movies.ndjson'), '{"id":"1"}\n');
    // `scratch` holds the tarball's install; npx finds it from a project beside it only through its bin.
    const r = spawnSync('npx', ['--no-install', 'esm-migrations', 'validate', '--manifests', path.join(project, 'manifests')], { cwd: scratch, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('1 manifest OK\n');
  });

  it('a project can install the built clone itself (npm links the directory), and run it', () => {
    expect(readme()).toContain('cd ../your-project && npm install --save-dev ../esm');
    const project = path.join(work, 'from-clone');
    mkdirSync(path.join(project, 'manifests'), { recursive: true });
    mkdirSync(path.join(project, 'data'));
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'from-clone', version: '1.0.0', private: true }));
    writeFileSync(path.join(project, 'manifests', 'movies.yaml'), GOOD_MANIFEST);
    writeFileSync(path.join(project, 'data', 'movies.ndjson'), '{"id":"1"}\n');
    // The clone was built by npm pack (prepack): a directory install is a link, no registry needed.
    run('npm', ['install', '--offline', '--no-package-lock', '--save-dev', path.join(work, 'clone')], project);
    const r = spawnSync('npx', ['--no-install', 'esm-migrations', 'validate'], { cwd: project, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('1 manifest OK\n');
  });
});

describe('the published package', () => {
  it('ships the build, the schemas and a LICENSE; no test builders, no source maps, no sources', () => {
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'bin/esm.js', 'dist/cli.js', 'dist/index.js', 'dist/index.d.ts', 'schemas/manifest.schema.json']));
    expect(files.some((f) => /^dist\/chunks\/.+\.js$/.test(f))).toBe(true);
    expect(files).toContain('dist/chunks/sql-wasm.wasm');
    expect(files.filter((f) => /test-support|builders|\.test\.|\.map$/.test(f) || f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
    expect(readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} esm contributors\n/);
  });

  it('runs as `npx esm` and as `npx esm-migrations` where it is installed', () => {
    for (const bin of ['esm', 'esm-migrations']) {
      const help = run('npx', ['--no-install', bin, '--help'], scratch);
      expect(help).toContain('esm plan');
      expect(run('npx', ['--no-install', bin, '--version'], scratch).trim()).toBe(pkg.version);
    }
    // The README's one-off commands name the package, not the unrelated `esm`.
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/npx esm-migrations /);
    // The precompiled validators, and sql.js's wasm beside the bundle, work from the install.
    writeFileSync(path.join(scratch, 'bad.yaml'), 'apiVersion: esm/v1\nkind: IndexMaster\nmetadata: { name: x }\nspec: { settings: 1 }\n');
    mkdirSync(path.join(scratch, 'manifests'), { recursive: true });
    cpSync(path.join(scratch, 'bad.yaml'), path.join(scratch, 'manifests', 'bad.yaml'));
    const bad = spawnSync('npx', ['--no-install', 'esm-migrations', 'validate'], { cwd: scratch, encoding: 'utf8' });
    expect(bad.status).toBe(3);
    expect(bad.stderr).toMatch(/manifests\/bad\.yaml:4:\d+: .*settings/);
    // And a valid project validates (its source is checked: the file must be there).
    const ok = path.join(work, 'ok-project');
    mkdirSync(path.join(ok, 'manifests'), { recursive: true });
    mkdirSync(path.join(ok, 'data'));
    writeFileSync(path.join(ok, 'manifests', 'movies.yaml'), GOOD_MANIFEST);
    writeFileSync(path.join(ok, 'data', 'movies.ndjson'), '{"id":"1"}\n');
    const good = spawnSync(path.join(scratch, 'node_modules', '.bin', 'esm-migrations'), ['validate'], { cwd: ok, encoding: 'utf8' });
    expect(good.stderr).toBe('');
    expect(good.stdout).toBe('1 manifest OK\n');
    const lib = `import { HistoryStore } from 'esm-migrations';
      const s = await HistoryStore.open('state.sqlite', { readOnly: true });
      console.log(JSON.stringify(s.view()));`;
    expect(JSON.parse(run(process.execPath, ['--input-type=module', '-e', lib], scratch))).toMatchObject({ masters: [], instances: [] });
  }, 120_000);

  it("type-checks the README's library example with skipLibCheck off", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const example = /```ts\n([\s\S]*?from 'esm-migrations'[\s\S]*?)```/.exec(readme)?.[1];
    expect(example, 'README has a ```ts example importing esm-migrations').toBeDefined();
    writeFileSync(path.join(scratch, 'example.ts'), example!);
    writeFileSync(
      path.join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] },
        files: ['example.ts'],
      }),
    );
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', scratch], { cwd: scratch, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
    // Installed as a user installs it: only the package's dependencies, none of its devDependencies.
    const installed = readdirSync(path.join(scratch, 'node_modules', '@types'));
    expect(installed.filter((t) => t !== 'node' && `@types/${t}` in pkg.devDependencies && !(`@types/${t}` in pkg.dependencies))).toEqual([]);
  }, 120_000);
});
