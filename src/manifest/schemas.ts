/**
 * The JSON Schemas of `schemas/` (manifest, config, plan), compiled once with ajv.
 * They are read from the package's `schemas/` directory, which sits two levels
 * above this file both in `src/manifest/` and in the built `dist/manifest/`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';

export type SchemaName = 'manifest' | 'config' | 'plan';

const SCHEMAS_DIR = new URL('../../schemas/', import.meta.url);

/** Absolute path of a schema file, e.g. for `# yaml-language-server: $schema=…`. */
export function schemaPath(name: SchemaName): string {
  return fileURLToPath(new URL(`${name}.schema.json`, SCHEMAS_DIR));
}

const schemas = new Map<SchemaName, AnySchemaObject>();
export function schemaOf(name: SchemaName): AnySchemaObject {
  let s = schemas.get(name);
  if (!s) {
    s = JSON.parse(readFileSync(schemaPath(name), 'utf8')) as AnySchemaObject;
    schemas.set(name, s);
  }
  return s;
}

let ajv: Ajv | undefined;
const validators = new Map<SchemaName, ValidateFunction>();

/** A validator reporting every error (allErrors) with the failing data and schema (verbose). */
export function validatorOf(name: SchemaName): ValidateFunction {
  let v = validators.get(name);
  if (!v) {
    ajv ??= new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    v = ajv.compile(schemaOf(name));
    validators.set(name, v);
  }
  return v;
}
