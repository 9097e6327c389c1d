import type { FillEstimate } from './types.js';

/** A fill of `docs` documents, at `rate` docs/s when one was measured (absent or 0: no duration). */
export function fillEstimate(docs: number, rate: number | undefined): FillEstimate {
  const docsPerSecond = rate !== undefined && rate > 0 ? rate : null;
  return { docs, seconds: docsPerSecond ? docs / docsPerSecond : null, docsPerSecond };
}
