/**
 * Which fills can resume from a checkpoint (SPEC §13), decided from the manifest and
 * two facts the shell reads (pure): a resumed read must start exactly after what was
 * sent, and documents sent twice must land on the same ids.
 */
import type { Manifest } from '../manifest/types.js';

export type ResumeSupport = { ok: true } | { ok: false; why: string };

export interface ResumeFacts {
  /** The module source exports `orderedBy`. */
  moduleOrdered: boolean;
  /** The cluster has the reindex module (a `reindex` source runs as a server task). */
  serverReindex: boolean;
}

export function resumeSupport(manifest: Pick<Manifest, 'spec'>, facts: ResumeFacts): ResumeSupport {
  const source = manifest.spec.source;
  if (!source) return { ok: false, why: 'the master has no source' };
  if (source.type === 'reindex') {
    return facts.serverReindex ? { ok: true } : { ok: false, why: 'the cluster has no reindex module, and the client-side copy cannot resume' };
  }
  if (!manifest.spec.idField) return { ok: false, why: 'without idField the documents sent again after the stop would be duplicated' };
  switch (source.type) {
    case 'ndjson':
    case 'sqlite':
      return { ok: true };
    case 'module':
      return facts.moduleOrdered ? { ok: true } : { ok: false, why: 'the module exports no orderedBy, so its documents come in no order a read could resume in' };
  }
}

/** The column a sqlite source's full reads are ordered by, so that they can resume: the master's idField. */
export function sqliteKey(manifest: Pick<Manifest, 'spec'>): string | undefined {
  return manifest.spec.source?.type === 'sqlite' ? manifest.spec.idField : undefined;
}
