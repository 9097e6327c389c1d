/**
 * Compiles a schema of `schemas/` with ajv, as the tests and `tsc` see it. The
 * build (scripts/build.mjs) replaces this module in the bundle with ajv's
 * standalone code, generated at build time from the same schemas and the same
 * options, so that the CLI does not load ajv nor compile a schema per run.
 */
import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';
import { AJV_OPTIONS } from './ajv-options.js';

let ajv: Ajv | undefined;

export function compileValidator(_name: string, schema: () => AnySchemaObject): ValidateFunction {
  ajv ??= new Ajv(AJV_OPTIONS);
  return ajv.compile(schema());
}
