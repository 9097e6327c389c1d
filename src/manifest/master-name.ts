/**
 * Rules for a master name (SPEC §3): it becomes an alias and, with `-<N>`, the
 * names of its instances, so it follows Elasticsearch's index-name rules and is
 * printable ASCII only: `[a-z0-9][a-z0-9_.-]*`, at most 200 bytes with the
 * prefix and `-<N>`, and not one of esm's own indices.
 */
import { codePoint, invisibleKind } from '../visible.js';

const FORBIDDEN = ['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':'];

/** The longest name (prefix included): leaves room for `-<N>` up to 5 digits within 200 bytes. */
export const MAX_NAME_BYTES = 194;
/** esm's own indices (the apply lock) start with this. */
export const RESERVED_PREFIX = 'esm-';

const ALLOWED = /^[a-z0-9_.-]$/;

/** Why `name` cannot be a master name, or undefined when it can. `prefix`: the environment prefix, when known. */
export function masterNameProblem(name: string, prefix = ''): string | undefined {
  if (name === '') return 'must not be empty';
  if (name === '.' || name === '..') return 'must not be "." or ".."';
  if (name !== name.toLowerCase()) return 'must be lowercase';
  const bad = FORBIDDEN.filter((c) => name.includes(c));
  if (bad.length) return `must not contain ${bad.map((c) => (c === ' ' ? 'spaces' : `"${c}"`)).join(', ')}`;
  if (/^[-_+]/.test(name)) return `must not start with "${name[0]}"`;
  if (name.startsWith('.')) return 'must not start with "." (reserved for system and hidden indices)';
  const other = [...name].find((ch) => !ALLOWED.test(ch));
  if (other !== undefined) {
    const kind = invisibleKind(other);
    return `must hold only a-z, 0-9, "_", "." and "-" (it has ${kind ? `the ${kind} ${codePoint(other)}` : `"${other}", ${codePoint(other)}`})`;
  }
  const bytes = Buffer.byteLength(prefix + name, 'utf8');
  if (bytes > MAX_NAME_BYTES) {
    const what = prefix ? `with the prefix "${prefix}" it is ${bytes} bytes long` : `is ${bytes} bytes long`;
    return `${what}: at most ${MAX_NAME_BYTES}, so that <prefix><name>-<N> stays within 200 bytes`;
  }
  if (/-\d+$/.test(name)) return 'must not end with -<digits>: instances are named <master>-<N>, so the name would be mistaken for an instance';
  if ((prefix + name).startsWith(RESERVED_PREFIX)) return `is reserved: names starting with "${RESERVED_PREFIX}" are esm's own indices (esm-locks)`;
  return undefined;
}
