/**
 * Rules for a master name (SPEC §3): it becomes an alias and, with `-<N>`, the
 * names of its instances, so it follows Elasticsearch's index-name rules.
 */

const FORBIDDEN = ['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':'];

/** Why `name` cannot be a master name, or undefined when it can. */
export function masterNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (name === '.' || name === '..') return 'must not be "." or ".."';
  if (name !== name.toLowerCase()) return 'must be lowercase';
  const bad = FORBIDDEN.filter((c) => name.includes(c));
  if (bad.length) return `must not contain ${bad.map((c) => (c === ' ' ? 'spaces' : `"${c}"`)).join(', ')}`;
  if (/^[-_+]/.test(name)) return `must not start with "${name[0]}"`;
  if (name.startsWith('.')) return 'must not start with "." (reserved for system and hidden indices)';
  if (Buffer.byteLength(name, 'utf8') > 255) return 'must be at most 255 bytes long';
  if (/-\d+$/.test(name)) return 'must not end with -<digits>: instances are named <master>-<N>, so the name would be mistaken for an instance';
  return undefined;
}
