/**
 * Documents per bulk request of a fill (requests are also cut at 5 MB), and the
 * page size of a client-side reindex's scan: the one default, named in the
 * `--batch-size` help. Small documents then travel in requests of about a
 * megabyte. Measured on the benchmark machine: 1,000 small documents a request
 * (a translog fsync every ~150 kB) made a 1M-document fill ~25 % slower than a
 * plain helpers.bulk load; 10,000 was a little faster than 5,000 but raised the
 * peak RSS past 300 MB (bench/RESULTS.md).
 */
export const BATCH_SIZE = 5_000;
