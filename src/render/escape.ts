/**
 * Making text a manifest supplies (names, field paths, reasons) safe to print in markdown:
 * besides the invisible characters (../visible.ts), markdown and HTML that would let a pull
 * request forge lines of its own plan comment. Every markdown renderer passes such text
 * through these helpers.
 */
import { visible } from '../visible.js';

/** Characters with a meaning in GitHub markdown, tables or HTML, written as numeric entities. */
const MARKDOWN = /[&<>"'|`*_[\]\\~#!@]/g;

/** Text for a markdown line or table cell (also inside HTML such as `<details>`): one line, nothing interpreted. */
export function mdText(s: string): string {
  return visible(s).replace(MARKDOWN, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Text shown as code in markdown, safe in a table cell: `<code>` with the same escaping. */
export function mdCode(s: string): string {
  return `<code>${mdText(s)}</code>`;
}
