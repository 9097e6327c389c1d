/** schemas/events.schema.json compiled with ajv, for tests that check every line of an --events stream. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { AJV_OPTIONS } from '../../src/manifest/ajv-options.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const eventsSchema = JSON.parse(readFileSync(path.join(ROOT, 'schemas', 'events.schema.json'), 'utf8')) as Record<string, unknown>;
const validate = new Ajv(AJV_OPTIONS).compile(eventsSchema);

/** Each line of `stdout` parsed and checked against the schema; throws naming the first line that is not valid. */
export function parseEventLines(stdout: string): Record<string, any>[] {
  const lines = stdout.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, i) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`line ${i + 1} of the stream is not JSON: ${line}`);
    }
    if (!validate(value)) throw new Error(`line ${i + 1} does not match schemas/events.schema.json: ${JSON.stringify(validate.errors)}\n${line}`);
    return value as Record<string, any>;
  });
}
