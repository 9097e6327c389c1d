/** What `esm import` prints: the masters written and where from, what was skipped and why, and what comes next; or the JSON document. */
import { assertNever } from '../errors.js';
import type { AdoptionWay } from '../import/select.js';
import type { ImportResult } from '../operations/import.js';
import { paint } from './ansi.js';
import { applyResultJson, renderApplyText } from './apply-result.js';
import { clusterWords } from './cluster-words.js';
import { table } from './list-text.js';
import { visible as v } from '../visible.js';

export function renderImportText(r: ImportResult, opts: { color: boolean }): string {
  const p = paint(opts.color);
  const out: string[] = [p.dim(v(clusterWords(r.cluster)))];
  if (r.prefix) out.push(p.dim(`environment prefix: ${v(r.prefix)}`));
  out.push('');
  if (r.masters.length) {
    out.push(`Imported ${count(r.masters.length, 'master')}:`);
    out.push(...table(r.masters.map((m) => [m.name, `← ${from(m)}`, m.file]), { indent: '  ' }));
    for (const m of r.masters) {
      out.push(p.dim(`  ${v(m.name)}: ${v(wayWords(m.way, m, `${r.prefix}${m.name}`))}`));
      if (m.fromTemplates.length) out.push(p.dim(`  ${v(m.name)}: left to the index templates: ${v(m.fromTemplates.join(', '))}`));
      for (const d of m.differences) out.push(p.yellow(`  ${v(m.name)}: the engine would hold the manifest differently: ${v(d)}`));
    }
  } else {
    out.push('Nothing imported.');
  }
  if (r.companions.length) {
    out.push('', `Imported ${count(r.companions.length, 'companion object')}:`);
    out.push(...table(r.companions.map((c) => [`${c.kind}/${c.name}`, `← ${c.id}`, c.file, c.usedBy.length ? `used by ${c.usedBy.join(', ')}` : '']), { indent: '  ' }));
  }
  if (r.skipped.length) {
    out.push('', `Skipped ${count(r.skipped.length, 'name')}:`);
    out.push(...table(r.skipped.map((s) => [s.kind ? `${s.kind} ${s.name}` : s.name, s.reason]), { indent: '  ' }));
  }
  out.push('');
  if (!r.adoption) {
    if (r.masters.length) out.push('Nothing was changed in the cluster. Next: esm plan (it proposes to adopt each master), then esm apply; or esm import --adopt next time.');
  } else {
    for (const f of r.adoption.refused) out.push(p.yellow(`not adopted: ${v(f.name)}: ${v(f.reason)}`));
    if (r.adoption.result) out.push(renderApplyText(r.adoption.result, { color: opts.color }).trimEnd());
    else if (!r.adoption.refused.length) out.push('Nothing to adopt.');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** `esm import --json`: `{ cluster, prefix, masters: [...], companions: [...], skipped: [ { name, kind?, reason } ], adoption? }`. */
export function importResultJson(r: ImportResult): unknown {
  return {
    cluster: r.cluster,
    prefix: r.prefix,
    masters: r.masters.map((m) => ({ name: m.name, index: m.index, alias: m.alias, adopt: m.way, file: m.file, fromTemplates: m.fromTemplates, differences: m.differences })),
    companions: r.companions.map((c) => ({ kind: c.kind, name: c.name, id: c.id, file: c.file, usedBy: c.usedBy })),
    skipped: r.skipped,
    ...(r.adoption ? { adoption: { result: r.adoption.result ? applyResultJson(r.adoption.result) : null, refused: r.adoption.refused } } : {}),
  };
}

function from(m: ImportResult['masters'][number]): string {
  return m.alias ? `alias ${m.alias} → ${m.index}` : `index ${m.index}`;
}

function wayWords(way: AdoptionWay, m: { index: string }, alias: string): string {
  switch (way) {
    case 'meta':
      return `adopting ${m.index} writes _meta.esm into it; nothing else changes`;
    case 'alias':
      return `adopting ${m.index} writes _meta.esm into it and adds the alias ${alias}`;
    case 'clone':
      return `${m.index} is used by name: adopting it clones it to an instance and swaps it for an alias (writes refused for seconds)`;
    default:
      return assertNever(way, 'adoption way');
  }
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
