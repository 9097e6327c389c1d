/** `esm validate`: manifests and config checked without a cluster; every problem as file:line:col. */
import { existsSync, symlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { manifestYaml } from '../support/manifest-builders.js';
import { NO_CLUSTER_URL, scratchProject, type ScratchProject } from '../support/scratch-project.js';

// Nothing listens there: validate must not even try.
const NO_CLUSTER = ['--url', NO_CLUSTER_URL];

function projectWith(files: Record<string, string>): ScratchProject {
  const p = scratchProject('val');
  for (const [name, text] of Object.entries(files)) p.write(name, text);
  return p;
}

describe('esm validate', () => {
  it('says how many manifests are OK, without a cluster and without creating a state file', async () => {
    const p = projectWith({
      'manifests/movies.yaml': manifestYaml({ name: 'movies' }),
      'manifests/more.yaml': `${manifestYaml({ name: 'books' })}---\n${manifestYaml({ name: 'songs' })}`,
      // Their sources: validate checks that each can be read.
      'data/movies.ndjson': '',
      'data/books.ndjson': '',
      'data/songs.ndjson': '',
    });
    const r = await p.cli(['validate', ...NO_CLUSTER]);
    expect(r).toMatchObject({ code: 0, stdout: '3 manifests OK\n', stderr: '' });
    expect(existsSync(p.statePath)).toBe(false);

    const j = await p.cli(['validate', '--json', ...NO_CLUSTER]);
    expect(j.code).toBe(0);
    expect(j.json()).toEqual({ valid: true, manifests: ['books', 'songs', 'movies'], companions: [], problems: [], warnings: [] });
  });

  it('reports a YAML syntax error at its file:line:col (exit 3)', async () => {
    const p = projectWith({
      'manifests/movies.yaml': manifestYaml({ name: 'movies' }),
      'manifests/broken.yaml': 'apiVersion: esm/v1\nkind: IndexMaster\nmetadata:\n  name: [unclosed\n',
    });
    const r = await p.cli(['validate', ...NO_CLUSTER]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^esm: 1 problem in manifests\n {2}manifests\/broken\.yaml:\d+:\d+: .+\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports schema violations of several files at once, each at the offending line (exit 3)', async () => {
    const bad = manifestYaml({ name: 'books' }).replace('minDocRatio: 0', 'minDocRatio: lots');
    const badLine = bad.split('\n').findIndex((l) => l.includes('minDocRatio: lots')) + 1;
    const p = projectWith({
      'manifests/books.yaml': bad,
      'manifests/songs.yaml': manifestYaml({ name: 'songs' }).replace('kind: IndexMaster', 'kind: IndexMastr'),
    });
    const r = await p.cli(['validate', ...NO_CLUSTER]);
    expect(r.code).toBe(3);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('esm: 2 problems in manifests');
    expect(lines[1]).toMatch(new RegExp(`^  manifests/books\\.yaml:${badLine}:\\d+: .*minDocRatio.*number`));
    expect(lines[2]).toMatch(/^ {2}manifests\/songs\.yaml:2:\d+: .*kind/);
  });

  it('--json prints the problems on stdout with file, line and col, and still exits 3', async () => {
    const p = projectWith({
      'manifests/movies.yaml': manifestYaml({ name: 'movies' }),
      'manifests/songs.yaml': manifestYaml({ name: 'songs' }).replace('kind: IndexMaster', 'kind: IndexMastr'),
    });
    const r = await p.cli(['validate', '--json', ...NO_CLUSTER]);
    expect(r.code).toBe(3);
    const doc = r.json();
    expect(doc).toEqual({
      valid: false,
      manifests: [],
      companions: [],
      problems: [{ file: 'manifests/songs.yaml', line: 2, col: expect.any(Number), message: expect.stringContaining('kind') }],
      warnings: [],
      // As every command's failure with --json: the error, where its first problem is.
      error: {
        code: 'invalid_input',
        exitCode: 3,
        message: expect.stringMatching(/^1 problem in manifests\n {2}manifests\/songs\.yaml:2:\d+: .*kind/),
        file: 'manifests/songs.yaml',
        line: 2,
        column: doc.problems[0].col,
        problems: [{ file: 'manifests/songs.yaml', line: 2, column: doc.problems[0].col, message: doc.problems[0].message }],
      },
    });
    expect(r.stderr).toBe('esm: 1 problem in manifests\n');
  });

  describe('field types, against each engine\'s list (a typo once passed validate and plan)', () => {
    const shop = (field: string) =>
      manifestYaml({ name: 'shop', source: undefined, idField: undefined, updatedField: undefined, mappings: { properties: { order: { properties: { total: { type: field } } } } } });
    const line = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

    it('a type no engine has, close to one: a problem at the type, naming the full field and the likely type (exit 3)', async () => {
      const p = projectWith({ 'manifests/shop.yaml': shop('dubble') });
      const r = await p.cli(['validate', ...NO_CLUSTER]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(
        `manifests/shop.yaml:${line(shop('dubble'), 'dubble')}:`,
      );
      expect(r.stderr).toMatch(/: field order\.total: type "dubble" is not a field type of Elasticsearch or OpenSearch \(did you mean "double"\?\)/);
      // Every command reads the manifests the same way: plan stops there too, before asking the cluster.
      const plan = await p.cli(['plan', ...NO_CLUSTER]);
      expect(plan.code).toBe(3);
      expect(plan.stderr).toContain('field order.total: type "dubble"');
    });

    it('a type only one engine has: a warning naming the engine that lacks it; a problem when that engine is configured', async () => {
      const p = projectWith({ 'manifests/shop.yaml': shop('flattened') });
      const auto = await p.cli(['validate', ...NO_CLUSTER]);
      expect(auto.code).toBe(0);
      expect(auto.stdout).toBe('1 manifest OK\n');
      expect(auto.stderr).toMatch(/^warning: manifests\/shop\.yaml:\d+:\d+: field order\.total: type "flattened" is a field type of Elasticsearch only: OpenSearch lacks it; OpenSearch has "flat_object"\n$/);
      const json = await p.cli(['validate', '--json', ...NO_CLUSTER]);
      expect(json.json().warnings).toEqual([expect.objectContaining({ file: 'manifests/shop.yaml', message: expect.stringContaining('OpenSearch lacks it') })]);

      const os = await p.cli(['validate', '--engine', 'opensearch', ...NO_CLUSTER]);
      expect(os.code).toBe(3);
      expect(os.stderr).toMatch(/field order\.total: type "flattened" is not a field type of OpenSearch, the configured engine \(only Elasticsearch has it; OpenSearch has "flat_object"\)/);
      expect((await p.cli(['validate', '--engine', 'elasticsearch', ...NO_CLUSTER])).code).toBe(0);
    });
  });

  it('reports two manifests declaring the same master', async () => {
    const p = projectWith({
      'manifests/a.yaml': manifestYaml({ name: 'movies' }),
      'manifests/b.yaml': manifestYaml({ name: 'movies' }),
    });
    const r = await p.cli(['validate', ...NO_CLUSTER]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/manifests\/b\.yaml:\d+:\d+: .*movies/);
  });

  it('checks the config file too', async () => {
    const p = projectWith({
      'manifests/movies.yaml': manifestYaml({ name: 'movies' }),
      'esm.config.yaml': 'prefix: qa1_\nmanifestz: manifests\n',
    });
    const r = await p.cli(['validate', '--json', ...NO_CLUSTER], { env: { ESM_PREFIX: undefined, ESM_MANIFESTS: undefined } });
    expect(r.code).toBe(3);
    expect(r.json().problems).toEqual([{ file: expect.stringContaining('esm.config.yaml'), line: 2, col: 1, message: expect.stringContaining('manifestz') }]);
  });

  it('a missing manifests directory is invalid input, with how to set it', async () => {
    const p = projectWith({});
    const r = await p.cli(['validate', '--manifests', 'nowhere', ...NO_CLUSTER]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^esm: manifests directory not found: nowhere \(set it with --manifests/);
  });

  it('--help shows examples; an unknown flag is invalid input', async () => {
    const p = projectWith({});
    const help = await p.cli(['validate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Examples$/m);
    expect(help.stdout).toContain('esm validate --json');
    const bad = await p.cli(['validate', '--strict']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/^esm: unknown option --strict for esm validate\n/);
  });

  it('counts the environment prefix towards the name length limit', async () => {
    const p = projectWith({ 'manifests/movies.yaml': manifestYaml({ name: 'movies' }) });
    const r = await p.cli(['validate', ...NO_CLUSTER], { env: { ESM_PREFIX: `${'q'.repeat(189)}_` } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`manifests/movies.yaml:4:9: metadata.name "movies" with the prefix "${'q'.repeat(189)}_" it is 196 bytes long: at most 194`);
  });

  it('refuses a symbolic link loop in the manifests directory with one message', async () => {
    const p = projectWith({ 'manifests/movies.yaml': manifestYaml({ name: 'movies' }) });
    symlinkSync('..', `${p.manifestsDir}/up`);
    const r = await p.cli(['validate', ...NO_CLUSTER]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^esm: .*up is a symbolic link to .*, outside the manifests directory/);
  });

  it('checks companions: counts them, names each missing reference and each cycle at file:line:col, exit 3', async () => {
    const pipeline = (name: string, calls?: string) =>
      `---\napiVersion: esm/v1\nkind: IngestPipeline\nmetadata: { name: ${name} }\nspec:\n  processors:\n    - ${calls ? `pipeline: { name: ${calls} }` : 'lowercase: { field: genre }'}\n`;
    const master = manifestYaml({ name: 'movies', source: undefined, settings: { number_of_shards: 1, default_pipeline: 'enrich' } });
    const p = projectWith({ 'manifests/movies.yaml': master, 'manifests/pipelines.yaml': pipeline('enrich') });
    const ok = await p.cli(['validate', ...NO_CLUSTER]);
    expect(ok).toMatchObject({ code: 0, stdout: '2 manifests OK (1 index master, 1 companion object)\n' });
    expect((await p.cli(['validate', '--json', ...NO_CLUSTER])).json()).toEqual({ valid: true, manifests: ['movies'], companions: ['IngestPipeline/enrich'], problems: [], warnings: [] });

    p.write('manifests/pipelines.yaml', pipeline('enrich', 'stamp') + pipeline('stamp', 'enrich') + pipeline('other', 'missing'));
    const r = await p.cli(['validate', ...NO_CLUSTER]);
    expect(r.code).toBe(3);
    expect(r.stderr.split('\n').slice(1, 4)).toEqual([
      '  manifests/pipelines.yaml:7:25: spec.processors[0].pipeline.name makes a cycle (IngestPipeline/enrich → IngestPipeline/stamp → IngestPipeline/enrich): esm cannot apply one before the other',
      '  manifests/pipelines.yaml:14:25: spec.processors[0].pipeline.name makes a cycle (IngestPipeline/enrich → IngestPipeline/stamp → IngestPipeline/enrich): esm cannot apply one before the other',
      '  manifests/pipelines.yaml:21:25: spec.processors[0].pipeline.name names an IngestPipeline "missing", which no manifest declares',
    ]);
  });
});
