/**
 * Text a manifest supplies (names, field paths, reasons), made safe to show on one line:
 * newlines, tabs, control, bidi and zero-width characters written as escapes. Used where a
 * manifest is checked (to name such a character in a message) and by every renderer, so it
 * belongs to neither: render/escape.ts adds the markdown and HTML escaping on top.
 */

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Characters that change how a line reads without being seen: control, bidi, zero-width, line/paragraph separators. */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

export type InvisibleKind = 'control character' | 'bidirectional control' | 'zero-width character' | 'line separator';

export function invisibleKind(ch: string): InvisibleKind | undefined {
  const c = ch.codePointAt(0)!;
  if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) return 'control character';
  if (c === 0x061c || c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return 'bidirectional control';
  if ((c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff || (c >= 0x2061 && c <= 0x2064)) return 'zero-width character';
  if (c === 0x2028 || c === 0x2029) return 'line separator';
  return undefined;
}

/** `s` on one line with every invisible character written as an escape (`\n`, `\t`, `\u202e`). */
export function visible(s: string): string {
  return s.replace(INVISIBLE, (ch) => ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `U+000A` notation for a message. */
export function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
