/**
 * How esm marks the companion objects it owns (SPEC §12): `_meta.esm` where the object
 * has a `_meta` (index and component templates, Elasticsearch's pipelines), the
 * description suffix `[esm <name>]` on OpenSearch's pipelines (which refuse `_meta`).
 * Stored scripts and synonym sets have neither: what esm wrote there is known from the
 * history. The mark names the companion as declared, so that another environment's
 * object (`qa1_x` seen from the environment without a prefix) is never taken for one's
 * own. Pure.
 */
import type { CompanionKind } from './types.js';
import { isRecord } from '../fingerprint/canonical-value.js';

type Rec = Record<string, unknown>;

export interface EsmMark {
  /** The companion's declared name. */
  name: string;
  /** The fingerprint of what esm wrote (absent where the mark cannot hold it). */
  fingerprint?: string;
}

export type PipelineMarker = 'meta' | 'description';

const SUFFIX = /\s*\[esm ([^\]\s]+)\]$/;

/** Whether objects of `kind` can carry a mark at all. */
export function canMark(kind: CompanionKind): boolean {
  return kind === 'IngestPipeline' || kind === 'IndexTemplate' || kind === 'ComponentTemplate';
}

/** The body with esm's mark (objects that cannot carry one are returned as they are). */
export function withMark(kind: CompanionKind, body: Rec, mark: EsmMark, pipelineMarker: PipelineMarker): Rec {
  if (!canMark(kind)) return body;
  if (kind === 'IngestPipeline' && pipelineMarker === 'description') {
    const description = typeof body['description'] === 'string' && body['description'] !== '' ? `${body['description']} ` : '';
    return { ...body, description: `${description}[esm ${mark.name}]` };
  }
  const meta = isRecord(body['_meta']) ? body['_meta'] : {};
  return { ...body, _meta: { ...meta, esm: { name: mark.name, ...(mark.fingerprint ? { fingerprint: mark.fingerprint } : {}) } } };
}

/** The mark a live object carries (null: none), and the object without it. */
export function readMark(kind: CompanionKind, body: Rec): { mark: EsmMark | null; body: Rec } {
  if (!canMark(kind)) return { mark: null, body };
  let mark: EsmMark | null = null;
  let out = body;
  const meta = body['_meta'];
  if (isRecord(meta) && isRecord(meta['esm'])) {
    const esm = meta['esm'];
    if (typeof esm['name'] === 'string') mark = { name: esm['name'], ...(typeof esm['fingerprint'] === 'string' ? { fingerprint: esm['fingerprint'] } : {}) };
    const { esm: _esm, ...rest } = meta;
    out = { ...body };
    if (Object.keys(rest).length) out['_meta'] = rest;
    else delete out['_meta'];
  }
  const description = body['description'];
  if (kind === 'IngestPipeline' && typeof description === 'string') {
    const m = SUFFIX.exec(description);
    if (m) {
      mark ??= { name: m[1]! };
      out = { ...out };
      const rest = description.slice(0, m.index);
      if (rest) out['description'] = rest;
      else delete out['description'];
    }
  }
  return { mark, body: out };
}

