/** Reading the CA certificate a cluster's TLS is verified with (ESM_CA_CERT). */
import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../errors.js';

export function readCaCert(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new InvalidInputError(`cannot read the CA certificate ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
