/**
 * Argument words as clipanion should see them. `--batch-size -1` would otherwise
 * read `-1` as an unknown short option ("Command not found; did you mean …"),
 * and the user would never hear that -1 is out of range.
 */

/** `--opt -5` → `--opt=-5` (before `--`): the value then reaches the option's validator. */
export function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (/^--[a-z][\w-]*$/i.test(word) && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${word}=${next}`);
      i++;
    } else {
      out.push(word);
    }
  }
  return out;
}
