// Types of source-hash.mjs for the TypeScript callers (test/support/built-cli.ts).
export const SOURCE_STAMP: string;
export function sourceHash(root: string): string;
