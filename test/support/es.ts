/** Helpers for tests that talk to the real Elasticsearch node of this run. */
import { inject } from 'vitest';
import { Client } from '@elastic/elasticsearch';
import { randomBytes } from 'node:crypto';

export function esUrl(): string {
  return inject('esUrl');
}

/** A fresh environment prefix, so that tests never see each other's indices. */
export function testPrefix(label = 't'): string {
  return `esmt_${label.toLowerCase().replace(/[^a-z0-9]/g, '')}_${randomBytes(3).toString('hex')}_`;
}

let client: Client | undefined;
/** A raw client for assertions (the code under test uses src/cluster). */
export function rawClient(): Client {
  client ??= new Client({ node: esUrl() });
  return client;
}

/** Delete every index and alias under a prefix (afterEach / afterAll). */
export async function cleanupPrefix(prefix: string): Promise<void> {
  await rawClient().indices.delete({ index: `${prefix}*`, ignore_unavailable: true, allow_no_indices: true, expand_wildcards: 'all' });
}
