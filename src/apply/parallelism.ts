/** How many masters `esm apply` runs side by side unless `--parallelism` says otherwise (a module of its own: --help says it without loading the executor). */
export const DEFAULT_PARALLELISM = 4;
