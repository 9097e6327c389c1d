/**
 * Companion bodies in a form where what a manifest declares and what the cluster
 * answers for it compare equal (as fingerprint/ does for indices): template settings
 * flattened (`{index: {number_of_shards: "1"}}` = `number_of_shards: 1`), mappings
 * canonical, an index pattern as a list, a mustache source as the JSON it holds, a
 * script's engine-added `content_type`, a pipeline's server timestamps and empty
 * optional keys left out, synonym rules in order. Pure.
 */
import { createHash } from 'node:crypto';
import { canonicalMappings, canonicalSettings, stableJson } from '../fingerprint/index.js';
import { canonicalValue, isRecord } from '../fingerprint/canonical-value.js';
import { assertNever } from '../errors.js';
import type { CompanionKind } from './types.js';

type Rec = Record<string, unknown>;

/** Keys the engine adds to a pipeline or template it stores (Elasticsearch 9): not the manifest's. */
const SERVER_KEYS = ['created_date_millis', 'modified_date_millis', 'created_date', 'modified_date'];

export function canonicalBody(kind: CompanionKind, body: Rec): Rec {
  switch (kind) {
    case 'IngestPipeline': {
      const out: Rec = {};
      for (const [k, v] of Object.entries(body)) if (!SERVER_KEYS.includes(k) && v !== undefined && !(k === 'on_failure' && isEmptyList(v))) out[k] = v;
      if (out['description'] === '') delete out['description'];
      return sortDeep(out) as Rec;
    }
    case 'IndexTemplate': {
      const out = templateTop(body);
      const patterns = body['index_patterns'];
      out['index_patterns'] = Array.isArray(patterns) ? patterns.map(String) : patterns === undefined ? [] : [String(patterns)];
      if (Array.isArray(body['composed_of']) && body['composed_of'].length) out['composed_of'] = body['composed_of'].map(String);
      return out;
    }
    case 'ComponentTemplate':
      return templateTop(body);
    case 'StoredScript': {
      const lang = String(body['lang'] ?? '');
      const out: Rec = { lang, source: scriptSource(lang, body['source']) };
      const options = isRecord(body['options']) ? { ...body['options'] } : {};
      delete options['content_type'];
      if (Object.keys(options).length) out['options'] = canonicalValue(options);
      return out;
    }
    case 'SynonymSet':
      return { synonyms: (Array.isArray(body['synonyms']) ? body['synonyms'] : []).map((r) => String(r).trim()) };
    default:
      return assertNever(kind, 'companion kind');
  }
}

/** `sha256:<hex>` of a companion's canonical body. */
export function companionFingerprint(kind: CompanionKind, body: Rec): string {
  return `sha256:${createHash('sha256').update(stableJson(canonicalBody(kind, body))).digest('hex')}`;
}

/** Template keys other than the patterns and composition: the body, priority, version, `_meta`, and what else the engine took. */
function templateTop(body: Rec): Rec {
  const out: Rec = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === 'index_patterns' || k === 'composed_of' || SERVER_KEYS.includes(k) || v === undefined || v === null) continue;
    if (k === 'template') {
      const t = templateBody(isRecord(v) ? v : {});
      if (Object.keys(t).length) out[k] = t;
    } else if (k === '_meta') {
      if (isRecord(v) && Object.keys(v).length) out[k] = canonicalValue(v);
    } else {
      out[k] = canonicalValue(v);
    }
  }
  return out;
}

function templateBody(t: Rec): Rec {
  const out: Rec = {};
  for (const [k, v] of Object.entries(t)) {
    if (v === undefined || v === null) continue;
    if (k === 'settings') {
      if (isRecord(v) && Object.keys(v).length) out[k] = canonicalSettings(v);
    } else if (k === 'mappings') {
      if (isRecord(v)) {
        const m = canonicalMappings(v);
        if (Object.keys(m).length) out[k] = m;
      }
    } else if (k === 'aliases') {
      if (isRecord(v) && Object.keys(v).length) out[k] = canonicalValue(v);
    } else {
      out[k] = canonicalValue(v);
    }
  }
  return out;
}

function scriptSource(lang: string, source: unknown): unknown {
  if (isRecord(source)) return sortDeep(source);
  const text = String(source ?? '');
  if (lang === 'mustache') {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed)) return sortDeep(parsed);
    } catch {
      // a template that is not JSON text is compared as text
    }
  }
  return text;
}

/** Keys sorted at every level, values as they are. */
function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (isRecord(v)) {
    const out: Rec = {};
    for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = sortDeep(v[k]);
    return out;
  }
  return v;
}

function isEmptyList(v: unknown): boolean {
  return Array.isArray(v) && v.length === 0;
}

