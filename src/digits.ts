/**
 * `12,000`: en-US digit grouping without `toLocaleString`, whose first call loads ICU data
 * (~10 ms of every start-up). Shared by the renderers and the messages the core records.
 */
export function groupDigits(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}
