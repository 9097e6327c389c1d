/** What esm says when an answer under `--engine opensearch` shows the server is Elasticsearch (both ways of connecting say it). */
export const NOT_OPENSEARCH = 'the server identifies itself as Elasticsearch (x-elastic-product header); use --engine elasticsearch, or leave --engine out';
