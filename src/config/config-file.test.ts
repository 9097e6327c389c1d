import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatProblem, InvalidInputError } from '../errors.js';
import { loadConfigFile, parseConfigText } from './config-file.js';
import { scratchDir } from '../../test/support/scratch.js';

function problems(text: string): string[] {
  try {
    parseConfigText('esm.config.yaml', text);
  } catch (e) {
    if (e instanceof InvalidInputError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
}

describe('parseConfigText', () => {
  it('returns the four settings as written', () => {
    expect(parseConfigText('esm.config.yaml', 'url: https://search.internal:9200\nprefix: qa1_\nstate: .esm/state.sqlite\nmanifests: manifests\n')).toEqual({
      url: 'https://search.internal:9200',
      prefix: 'qa1_',
      state: '.esm/state.sqlite',
      manifests: 'manifests',
    });
  });

  it('takes an empty file (or one with only comments) as no settings', () => {
    expect(parseConfigText('esm.config.yaml', '')).toEqual({});
    expect(parseConfigText('esm.config.yaml', '# nothing yet\n')).toEqual({});
  });

  it.each([
    ['apiKey: abc\n', '1:1: "apiKey" does not belong in the config file: secrets are never stored in files; set ESM_API_KEY in the environment'],
    ['url: http://x\npassword: s3cret\n', '2:1: "password" does not belong in the config file: secrets are never stored in files; set ESM_USERNAME and ESM_PASSWORD in the environment'],
    ['username: elastic\n', '1:1: "username" does not belong in the config file: secrets are never stored in files; set ESM_USERNAME and ESM_PASSWORD in the environment'],
    ['caCert: ca.pem\n', '1:1: "caCert" does not belong in the config file: set ESM_CA_CERT in the environment'],
    ['url: https://elastic:s3cret@search.internal:9200\n', '1:6: url must not hold credentials: set ESM_API_KEY, or ESM_USERNAME and ESM_PASSWORD, in the environment'],
    ['prefx: qa1_\n', '1:1: unknown key "prefx" at the top level (did you mean "prefix"?)'],
    ['url: 9200\n', '1:6: url must be a string (got 9200)'],
    ['manifests: ""\n', '1:12: manifests must not be empty'],
    ['- url\n', '1:1: the document must be a mapping (got a list)'],
  ])('refuses %j', (text, expected) => {
    expect(problems(text)).toEqual([`esm.config.yaml:${expected}`]);
  });

  it('reports a YAML syntax error with its position', () => {
    expect(problems('url: http://x\nprefix: [x\n')).toEqual([expect.stringMatching(/^esm\.config\.yaml:3:1: invalid YAML: /)]);
  });

  it('reports several problems together', () => {
    expect(problems('apiKey: a\npassword: b\nprefix: 1\n')).toEqual([
      'esm.config.yaml:1:1: "apiKey" does not belong in the config file: secrets are never stored in files; set ESM_API_KEY in the environment',
      'esm.config.yaml:2:1: "password" does not belong in the config file: secrets are never stored in files; set ESM_USERNAME and ESM_PASSWORD in the environment',
      'esm.config.yaml:3:9: prefix must be a string (got 1)',
    ]);
  });
});

describe('loadConfigFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = scratchDir('config');
  });

  it('returns null when the file does not exist', async () => {
    expect(await loadConfigFile(path.join(dir, 'esm.config.yaml'))).toBeNull();
  });

  it('reads and validates the file, naming it relative to cwd in problems', async () => {
    await writeFile(path.join(dir, 'esm.config.yaml'), 'prefix: qa1_\n');
    expect(await loadConfigFile(path.join(dir, 'esm.config.yaml'))).toEqual({ prefix: 'qa1_' });
    await writeFile(path.join(dir, 'esm.config.yaml'), 'prefix: qa1_\npassword: x\n');
    const error = await loadConfigFile(path.join(dir, 'esm.config.yaml'), { cwd: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).message.split('\n')[0]).toBe('1 problem in config file esm.config.yaml');
    expect((error as InvalidInputError).problems[0]).toMatchObject({ file: 'esm.config.yaml', line: 2, col: 1 });
  });
});
