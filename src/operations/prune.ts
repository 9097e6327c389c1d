/**
 * Before an instance is activated, the documents it holds whose id the source
 * no longer has are deleted (SPEC §3 "Deletions", id-set comparison): the ids
 * of an ndjson or sqlite source (its documents, less those `deletedField`
 * flags), of a module's `ids` export, or of the index a reindex source reads.
 * Recorded as a `partial_update` of the instance.
 */
import type { Cluster } from '../cluster/index.js';
import { RuntimeError } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import { flaggedQuery } from './fill.js';
import type { Session } from './session.js';

export interface PruneResult {
  index: string;
  /** Documents deleted from the instance. */
  deleted: number;
  /** Ids the source holds now. */
  sourceIds: number;
}

export async function pruneMissing(s: Session, manifest: Manifest, index: string): Promise<PruneResult> {
  const idField = manifest.spec.idField;
  if (!idField) throw new RuntimeError(`internal: an id-set comparison of ${manifest.name} without spec.idField`);
  return s.record(
    { action: 'partial_update', master: manifest.name, instance: index },
    async () => {
      const cluster = await s.cluster();
      const live = await sourceIds(s, cluster, manifest, idField);
      await cluster.refresh(index);
      const extra: string[] = [];
      for await (const hit of cluster.scan(index, { sourceIncludes: [], ...(s.signal ? { signal: s.signal } : {}) })) {
        if (!live.has(hit._id)) extra.push(hit._id);
      }
      const deleted = await cluster.deleteDocs(index, extra, s.signal ? { signal: s.signal } : {});
      return { index, deleted, sourceIds: live.size };
    },
    (r) => r.deleted,
  );
}

async function sourceIds(s: Session, cluster: Cluster, manifest: Manifest, idField: string): Promise<Set<string>> {
  const source = manifest.spec.source;
  const ids = new Set<string>();
  const signal = s.signal ? { signal: s.signal } : {};
  if (!source) return ids;
  if (source.type === 'reindex') {
    const from = s.alias(source.from === 'active' ? manifest.name : source.from);
    const must_not = manifest.spec.deletedField ? [flaggedQuery(manifest.spec.deletedField)] : [];
    const query = { bool: { filter: source.query ? [source.query] : [], must_not } };
    for await (const hit of cluster.scan(from, { query, sourceIncludes: [], ...signal })) ids.add(hit._id);
    return ids;
  }
  const { docId, isDeletion, openSource } = await import('../sources/index.js');
  const stream = openSource(manifest, { cwd: s.config.cwd });
  if (source.type === 'module') {
    if (!stream.ids) throw new RuntimeError(`internal: module source of ${manifest.name} cannot list ids`);
    for await (const id of stream.ids(signal)) ids.add(id);
    return ids;
  }
  for await (const doc of stream.read({ since: null, ...signal })) {
    if (isDeletion(doc, manifest.spec.deletedField)) continue;
    const id = docId(doc, idField);
    if (id !== null) ids.add(id);
  }
  return ids;
}
