/**
 * SPEC §13, a node that leaves mid-fill, on one node: bulk items refused because their
 * shard is unavailable (503, as an engine answers while a node is gone) are sent again
 * with backoff; past --wait-timeout the fill fails cleanly (exit 1, alias untouched,
 * history `failed`) and the next run resumes from the last checkpoint and ends with every
 * document. The fault proxy answers the items, since one node cannot lose a shard on demand
 * (test/cluster/ kills real nodes on the three-node bed).
 */
import { describe, expect, it } from 'vitest';
import { aliasTargets, countDocs, esm, movieManifest, movies } from '../support/apply-fixtures.js';
import { esUrl } from '../support/es.js';
import { isBulk, startFaultProxy } from '../support/fault-proxy.js';
import { ndjson, tempProject } from '../support/project.js';

const N = 20_000;

describe('bulk items whose shard is unavailable', () => {
  it('are sent again until --wait-timeout, then the fill fails cleanly (exit 1, no alias, history failed); the next run resumes and finishes', async () => {
    const p = tempProject('unavail');
    p.manifest('movies', movieManifest());
    p.write('data/movies.ndjson', ndjson(movies(N)));
    const alias = `${p.prefix}movies`;
    const index = `${alias}-1`;

    // The first four bulk requests reach the node; every item of every later one is refused as unavailable.
    let bulks = 0;
    const proxy = await startFaultProxy(esUrl(), { match: (r) => isBulk(r) && ++bulks > 4, rejectItemsFirst: Infinity, rejectItemsAs: 503 });
    const env = { ESM_URL: proxy.url, ESM_CHECKPOINT_INTERVAL_MS: '100', ESM_PROGRESS_INTERVAL_MS: '0' };
    const r = await esm(p, ['apply', '--auto-approve', '--batch-size', '1000', '--concurrency', '1', '--wait-timeout', '3s'], 1, { env });
    // Said while it waits, then why it gave up, naming the bound.
    expect(r.stderr).toMatch(new RegExp(`documents for ${index} wait for a shard that is unavailable \\(unavailable_shards_exception: .*\\); esm sends them again until it is back, at most 3s`));
    expect(r.stderr).toMatch(new RegExp(`gave up writing documents to ${index}: 1,?000 of them waited \\S+ for a shard that stayed unavailable \\(the bound, --wait-timeout, is 3s\\)`));
    // Refused items were sent again, more than once.
    expect(proxy.log.filter((q) => q.fault === 'reject_items').length).toBeGreaterThan(2);
    expect(await aliasTargets(alias)).toEqual([]);
    const history = (await esm(p, ['history', '--json'])).json<{ actions: Array<{ action: string; instance: string; status: string }> }>();
    expect(history.actions.find((a) => a.action === 'update' && a.instance === index)).toMatchObject({ status: 'failed' });

    // The shard is back (no proxy): the plan resumes the fill from what the first four requests wrote.
    const plan = (await esm(p, ['plan', '--json'])).json<{ masters: Array<{ steps: Array<{ op: string; resume?: { docs: number } }> }> }>();
    const fill = plan.masters[0]!.steps.find((s) => s.op === 'fill');
    expect(fill?.resume?.docs).toBeGreaterThan(0);
    expect(fill?.resume?.docs).toBeLessThanOrEqual(4_000);
    const again = await esm(p, ['apply', '--auto-approve'], 0, { env: { ESM_PROGRESS_INTERVAL_MS: '0' } });
    expect(again.stderr).toMatch(new RegExp(`resuming ${index} from [\\d,]+ / 20,000`));
    expect(await aliasTargets(alias)).toEqual([index]);
    expect(await countDocs(alias)).toBe(N);
  }, 300_000);
});
