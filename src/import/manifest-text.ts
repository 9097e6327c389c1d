/**
 * The YAML text of an imported master's manifest (SPEC §11), pure: the schema
 * comment line, where it came from, `apiVersion`, `kind`, `metadata.name`,
 * `spec.settings` and `spec.mappings`, and a closing comment on how to add a source.
 * Field definitions without nested fields are written on one line (`{ type: keyword }`).
 */
import type { YAMLMap } from 'yaml';
import { yamlLib } from '../manifest/yaml-lib.js';
import type { SpecBody } from './spec.js';

export interface ManifestTextInput {
  master: string;
  spec: SpecBody;
  /** Path of the manifest JSON Schema, relative to the manifest's directory (posix separators). */
  schema: string;
  /** Where it came from, for people: `the alias products → catalog_2023 (Elasticsearch 8.19.7, cluster prod)`. */
  origin: string;
}

export function manifestText(input: ManifestTextInput): string {
  const spec: Record<string, unknown> = {};
  if (Object.keys(input.spec.settings).length) spec['settings'] = input.spec.settings;
  spec['mappings'] = input.spec.mappings;
  const { Document, visit } = yamlLib();
  const doc = new Document({ apiVersion: 'esm/v1', kind: 'IndexMaster', metadata: { name: input.master }, spec });
  visit(doc, {
    Map(_key, node, path) {
      if (leafField(node, path)) node.flow = true;
    },
  });
  doc.commentBefore = [
    ` yaml-language-server: $schema=${input.schema}`,
    ` Written by esm import from ${input.origin}.`,
    ' Left out: the settings the server owns, and what the index templates matching the name give anyway.',
    ' Fields that dynamic mapping added are declared.',
  ].join('\n');
  doc.comment = [
    ` No spec.source: esm has nowhere to read the documents of ${input.master} from. A change that needs`,
    ' a new instance (esm plan says replace) would then activate an empty one. To have the engine copy',
    ' the documents of the active instance into the new one, add under spec:',
    '   source:',
    '     type: reindex',
    '     from: active',
    ' or an ndjson, sqlite or module source (see the README, "A manifest").',
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}

/** A field definition under `properties` or `fields` whose values are all scalars (or lists of scalars), short enough for one line. */
function leafField(node: YAMLMap, path: readonly unknown[]): boolean {
  const { isPair, isScalar, isSeq } = yamlLib();
  const holder = path[path.length - 3];
  if (!isPair(holder) || !isScalar(holder.key) || !['properties', 'fields'].includes(String(holder.key.value))) return false;
  if (!node.items.every((p) => isScalar(p.value) || (isSeq(p.value) && p.value.items.every(isScalar)))) return false;
  return JSON.stringify(node.toJSON()).length <= 100;
}

export interface CompanionTextInput {
  kind: string;
  name: string;
  spec: Record<string, unknown>;
  /** Path of the manifest JSON Schema, relative to the manifest's directory (posix separators). */
  schema: string;
  /** Where it came from, for people: `the ingest pipeline enrich (OpenSearch 2.19.6, cluster c)`. */
  origin: string;
  /** The masters that use it. */
  usedBy: readonly string[];
}

/** The YAML text of an imported companion's manifest (SPEC §12): the schema comment line, where it came from, who uses it. */
export function companionText(input: CompanionTextInput): string {
  const { Document } = yamlLib();
  const doc = new Document({ apiVersion: 'esm/v1', kind: input.kind, metadata: { name: input.name }, spec: input.spec });
  doc.commentBefore = [
    ` yaml-language-server: $schema=${input.schema}`,
    ` Written by esm import --companions from ${input.origin}.`,
    ...(input.usedBy.length ? [` Used by ${input.usedBy.join(', ')}.`] : []),
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}
