/** An engine's field types, as its data file lists them. */
export interface FieldTypeList {
  engine: 'elasticsearch' | 'opensearch';
  /** For messages: `Elasticsearch`, `OpenSearch`. */
  label: string;
  /** Registered by the server itself. */
  server: readonly string[];
  /** Registered by the modules of the engine's default distribution, by module. */
  modules: Readonly<Record<string, readonly string[]>>;
  /** Registered by plugins commonly installed (not in every cluster), by plugin. */
  plugins: Readonly<Record<string, readonly string[]>>;
}
