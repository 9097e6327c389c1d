import { describe, expect, it } from 'vitest';
import { parseMeta, withMeta } from './meta.js';

const esm = { master: 'movies', instance: 2, fingerprint: 'sha256:ff', createdAt: '2024-01-01T00:00:00Z', commit: 'abc' };

describe('_meta.esm', () => {
  it('parses esm metadata, keeping filledAt / lastUpdateAt when present', () => {
    expect(parseMeta({ _meta: { esm } })).toEqual(esm);
    expect(parseMeta({ _meta: { esm: { ...esm, filledAt: '2024-01-02T00:00:00Z', lastUpdateAt: null } } })).toEqual({
      ...esm,
      filledAt: '2024-01-02T00:00:00Z',
      lastUpdateAt: null,
    });
  });

  it('is null for an index esm did not create or whose meta lacks master, instance or fingerprint', () => {
    expect(parseMeta({})).toBeNull();
    expect(parseMeta({ _meta: { owner: 'x' } })).toBeNull();
    expect(parseMeta({ _meta: { esm: { ...esm, instance: 'two' } } })).toBeNull();
    expect(parseMeta({ _meta: { esm: { master: 'movies', instance: 1 } } })).toBeNull();
  });

  it('writes _meta.esm without losing other _meta keys', () => {
    expect(withMeta({ dynamic: 'strict', _meta: { owner: 'x', esm: { old: true } } }, esm)).toEqual({ dynamic: 'strict', _meta: { owner: 'x', esm } });
  });
});
