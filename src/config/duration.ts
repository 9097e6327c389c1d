/** Durations as people type and read them: `30s`, `2m`, `500ms`, `1h`, plain seconds. */

/** Milliseconds of `30s`, `2m`, `500ms`, `1h`, `1m30s` or plain seconds (`45`, `2.5`); null when it is none of these (pure). */
export function parseDuration(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched = re.lastIndex;
  }
  return matched > 0 && matched === t.length ? Math.round(total) : null;
}

/** `450ms`, `3.2s`, `30s`, `2m31s`, `1h5m` (pure). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 10_000) {
    const s = Math.round(ms / 100) / 10;
    return `${Number.isInteger(s) ? s.toFixed(0) : s.toFixed(1)}s`;
  }
  const totalS = Math.round(ms / 1000);
  if (totalS < 60) return `${totalS}s`;
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  if (h > 0) return `${h}h${m > 0 ? `${m}m` : ''}`;
  return `${m}m${s > 0 ? `${s}s` : ''}`;
}
