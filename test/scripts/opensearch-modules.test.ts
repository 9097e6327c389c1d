// scripts/opensearch.mjs decides from the cached home whether to assemble OpenSearch again:
// a checkout whose cache an older script made (fewer modules) must get the new ones.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingModules } from '../../scripts/opensearch.mjs';
import { scratchDir } from '../support/scratch.js';

const ALL = ['reindex', 'lang-painless', 'analysis-common', 'mapper-extras', 'parent-join', 'ingest-common', 'lang-mustache'];
function home(modules: string[], assembled = true): string {
  const d = scratchDir('os-home');
  if (assembled) writeFileSync(join(d, '.esm-assembled'), 'then\n');
  for (const m of modules) {
    mkdirSync(join(d, 'modules', m), { recursive: true });
    writeFileSync(join(d, 'modules', m, 'plugin-descriptor.properties'), `name=${m}\n`);
  }
  return d;
}

describe('missingModules', () => {
  it('names the modules a home assembled by the older script lacks (ingest-common, lang-mustache)', () => {
    expect(missingModules(home(['transport-netty4', 'reindex', 'lang-painless', 'analysis-common', 'mapper-extras', 'parent-join']))).toEqual([
      'ingest-common',
      'lang-mustache',
    ]);
  });

  it('is empty for a home that has every module, and lists them all for one never assembled', () => {
    expect(missingModules(home(ALL))).toEqual([]);
    expect(missingModules(home(ALL, false))).toEqual(ALL);
    expect(missingModules(join(tmpdir(), 'esm-no-such-home'))).toEqual(ALL);
  });

  it('counts a module directory without its descriptor (a half-copied module) as missing', () => {
    const d = home(ALL.filter((m) => m !== 'lang-mustache'));
    mkdirSync(join(d, 'modules', 'lang-mustache'));
    expect(missingModules(d)).toEqual(['lang-mustache']);
  });
});
