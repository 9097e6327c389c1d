/**
 * The JSON Schemas of `schemas/` (manifest, config, plan) and their validators,
 * compiled once (ajv at run time from `src`, precompiled in the bundle: see
 * validators.ts).
 */
import { readFileSync } from 'node:fs';
import type { AnySchemaObject, ValidateFunction } from 'ajv';
import { packageFile } from '../package-root.js';
import { compileValidator } from './validators.js';

export type SchemaName = 'manifest' | 'config' | 'plan';

/** Absolute path of a schema file, e.g. for `# yaml-language-server: $schema=…`. */
export function schemaPath(name: SchemaName): string {
  return packageFile('schemas', `${name}.schema.json`);
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

const validators = new Map<SchemaName, ValidateFunction>();

/** A validator reporting every error (allErrors) with the failing data and schema (verbose). */
export function validatorOf(name: SchemaName): ValidateFunction {
  let v = validators.get(name);
  if (!v) {
    v = compileValidator(name, () => schemaOf(name));
    validators.set(name, v);
  }
  return v;
}
