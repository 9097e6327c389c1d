/** `esm list` for people: one block per master, an aligned table of its instances. */
import type { ListedCompanion, Listing, ListedInstance, ListedMaster } from '../operations/list.js';
import { assertNever } from '../errors.js';
import { paint, type Paint } from './ansi.js';
import { holderWords } from '../cluster/lock.js';
import { clusterWords } from './cluster-words.js';
import { visible } from '../visible.js';

/** Columns padded to their widest cell; the last column is not padded. Cells are plain text. */
export function table(input: string[][], opts: { indent?: string; style?: (row: number, col: number, cell: string) => string } = {}): string[] {
  // Cells hold names, argv and messages: one line each, invisible characters shown as escapes.
  const rows = input.map((row) => row.map(visible));
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const style = opts.style ?? ((_r, _c, cell) => cell);
  return rows.map(
    (row, r) =>
      (opts.indent ?? '') +
      row
        .map((cell, c) => (c === row.length - 1 ? style(r, c, cell) : style(r, c, cell) + ' '.repeat(widths[c]! - cell.length)))
        .join('  ')
        .trimEnd(),
  );
}

/** `sha256:0123…` → its first 12 hex digits, as `esm plan` shows fingerprints. */
export function shortFp(fp: string | null): string {
  if (!fp) return '-';
  return fp.replace(/^sha256:/, '').slice(0, 12);
}

export function shortCommit(commit: string | null): string {
  return commit ? commit.slice(0, 7) : '-';
}

/** ISO time → `2024-05-01 10:00:00Z` (UTC, to the second). */
export function shortTime(iso: string | null): string {
  if (!iso) return '-';
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)/.exec(iso);
  return m ? `${m[1]} ${m[2]}Z` : iso;
}

export function renderListText(listing: Listing, opts: { color: boolean; now?: Date }): string {
  const p = paint(opts.color);
  const out: string[] = [];
  if (listing.cluster) out.push(p.dim(clusterWords(listing.cluster)));
  if (listing.prefix) out.push(p.dim(`environment prefix: ${listing.prefix}`));
  if (listing.lock) out.push(p.yellow(`apply lock held by ${visible(holderWords(listing.lock, opts.now ?? new Date()))}${listing.lock.command ? ` (${visible(listing.lock.command)})` : ''}`));
  if (listing.cluster || listing.prefix || listing.lock) out.push('');
  const companions = listing.companions ?? [];
  if (listing.masters.length === 0) {
    out.push('No masters: no manifest declares one and the cluster holds no index created by esm.');
    if (!companions.length) return out.join('\n') + '\n';
    out.push('');
  }
  for (const m of listing.masters) {
    out.push(...masterBlock(p, m), '');
  }
  if (companions.length) out.push(...companionBlock(p, companions), '');
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

/** Companion objects (SPEC §12): kind, name in the cluster, where each stands, the masters that use it. */
function companionBlock(p: Paint, companions: readonly ListedCompanion[]): string[] {
  const rows = [['KIND', 'NAME', 'STATUS', 'USED BY'], ...companions.map((c) => [c.kind, c.id, companionStatusWords(c), c.usedBy.join(', ') || '-'])];
  const style = (r: number, c: number, cell: string): string => {
    if (r === 0) return p.dim(cell);
    const status = companions[r - 1]!.status;
    if (c === 2) return status === 'current' || status === 'inline' ? p.green(cell) : status === 'foreign' ? p.red(cell) : p.yellow(cell);
    return cell;
  };
  return [p.bold('companion objects'), ...table(rows, { indent: '  ', style })];
}

function companionStatusWords(c: ListedCompanion): string {
  switch (c.status) {
    case 'current':
      return 'current';
    case 'missing':
      return 'missing (apply creates it)';
    case 'differs':
      return 'differs from the manifest';
    case 'unmarked':
      return "not marked as esm's";
    case 'foreign':
      return 'not esm’s, in the way';
    case 'inline':
      return 'inlined (no synonyms API)';
    case 'orphan':
      return 'orphan (not declared)';
    default:
      return assertNever(c.status, 'companion status');
  }
}

function masterBlock(p: Paint, m: ListedMaster): string[] {
  const head = [
    p.bold(m.name),
    `alias ${m.alias} → ${m.active ?? p.yellow('(no active instance)')}`,
    m.fingerprint ? `desired ${shortFp(m.fingerprint)}` : p.yellow('orphan: no manifest declares it'),
  ];
  const lines = [head.join('  ')];
  for (const c of m.conflicts) lines.push(`  ${p.red('! conflict:')} ${visible(c)}`);
  if (m.instances.length === 0) {
    lines.push(p.dim('  no instances (esm create ' + m.name + ')'));
    return lines;
  }
  const rows = [
    ['', 'INSTANCE', 'DOCS', 'FINGERPRINT', 'STATUS', 'CREATED', 'COMMIT', 'CURRENT'],
    ...m.instances.map((i) => [
      i.active ? '*' : '',
      i.name,
      String(i.docs),
      shortFp(i.fingerprint),
      i.status,
      shortTime(i.createdAt),
      shortCommit(i.commit),
      currentWord(i),
    ]),
  ];
  const style = (r: number, c: number, cell: string): string => {
    if (r === 0) return p.dim(cell);
    const inst = m.instances[r - 1]!;
    if (c === 4) return inst.status === 'active' ? p.green(cell) : inst.status === 'unfilled' ? p.yellow(cell) : cell;
    if (c === 7 && inst.current === false) return p.dim(cell);
    return cell;
  };
  lines.push(...table(rows, { indent: '  ', style }));
  for (const i of m.instances.filter((x) => x.foreign)) lines.push(p.dim(`  ${visible(i.name)}: a foreign-named instance (adopted under its own name), the oldest of ${visible(m.name)}`));
  return lines;
}

function currentWord(i: ListedInstance): string {
  if (i.current === null) return '-';
  return i.current ? 'yes' : 'no';
}
