import { describe, expect, it } from 'vitest';
import { rawClient, scratchPrefix, testCluster } from '../../test/support/es.js';
import { markOf, neverWritten } from './write-mark.js';

const prefix = scratchPrefix('wmark');
const c = testCluster();

async function created(name: string, shards = 1): Promise<string> {
  const index = `${prefix}${name}`;
  await rawClient().indices.create({ index, settings: { number_of_shards: shards, number_of_replicas: 0, refresh_interval: -1 } });
  return index;
}

describe('writeMark (is an index written between two moments?)', () => {
  it('says an index was never written to, until a document is — refreshed or not', async () => {
    const index = await created('fresh', 2);
    const empty = await c.writeMark(index);
    expect(empty).not.toBeNull();
    expect(neverWritten(empty!)).toBe(true);
    expect(empty!.split(',')).toHaveLength(2);
    // Refresh is off: a count would still say 0.
    await rawClient().index({ index, id: 'a', document: { n: 1 } });
    expect((await rawClient().count({ index })).count).toBe(0);
    const written = await c.writeMark(index);
    expect(neverWritten(written!)).toBe(false);
    expect(written).not.toBe(empty);
  });

  it('stays the same through refresh, flush and merge, and moves with every write or delete', async () => {
    const index = await created('moves');
    await rawClient().bulk({ operations: [{ index: { _index: index, _id: 'a' } }, { n: 1 }, { index: { _index: index, _id: 'b' } }, { n: 2 }] });
    const before = await c.writeMark(index);
    await rawClient().indices.refresh({ index });
    await rawClient().indices.flush({ index });
    await rawClient().indices.forcemerge({ index, max_num_segments: 1 });
    expect(await c.writeMark(index)).toBe(before);
    await rawClient().delete({ index, id: 'a' });
    const deleted = await c.writeMark(index);
    expect(deleted).not.toBe(before);
    await rawClient().index({ index, id: 'b', document: { n: 3 } });
    expect(await c.writeMark(index)).not.toBe(deleted);
  });

  it('covers every index behind an alias, and changes when the alias moves', async () => {
    const [one, two, three] = [await created('one'), await created('two'), await created('three')];
    const alias = `${prefix}films`;
    await rawClient().indices.putAlias({ index: [one, two], name: alias });
    const both = await c.writeMark(alias);
    expect(both!.split(',')).toHaveLength(2);
    await rawClient().index({ index: two, id: 'x', document: { n: 1 } });
    expect(await c.writeMark(alias)).not.toBe(both);
    const written = await c.writeMark(alias);
    await rawClient().indices.updateAliases({ actions: [{ remove: { index: two, alias } }, { add: { index: three, alias } }] });
    // Neither index written since, yet the alias reads another index now.
    expect(await c.writeMark(alias)).not.toBe(written);
  });

  it('gives no mark where a primary does not say its sequence number (pure)', () => {
    expect(markOf({ indices: { i: { uuid: 'u', shards: { '0': [{ routing: { primary: false }, seq_no: { max_seq_no: 4 } }] } } } })).toBeNull();
    expect(markOf({ indices: { i: { shards: { '0': [{ routing: { primary: true }, seq_no: { max_seq_no: 4 } }] } } } })).toBeNull();
    expect(markOf({})).toBeNull();
    expect(markOf({ indices: { i: { uuid: 'u', shards: { '1': [{ routing: { primary: true }, seq_no: { max_seq_no: 9 } }], '0': [{ routing: { primary: true }, seq_no: { max_seq_no: -1 } }] } } } })).toBe('u/0:-1,u/1:9');
  });
});
