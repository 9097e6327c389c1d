// A `module` document source: the default export yields documents, all of them or
// only those changed since `since` (the equivalent of django-elastic-migrations'
// get_queryset / get_reindex_iterator). Here the catalogue is generated; a real
// project would page through its database.
const AUTHORS = ['Le Guin', 'Calvino', 'Borges', 'Morrison', 'Ishiguro', 'Tokarczuk'];
const TOTAL = 250;

function book(i) {
  return {
    isbn: `978-0-${String(100000 + i)}-${i % 10}`,
    title: `Volume ${i} of the ${['sea', 'mountain', 'library', 'garden'][i % 4]}`,
    author: AUTHORS[i % AUTHORS.length],
    pages: 100 + ((i * 37) % 600),
    updated_at: new Date(Date.UTC(2026, 0, 1) + i * 86400e3).toISOString(),
  };
}

export default async function* books({ since, signal }) {
  for (let i = 1; i <= TOTAL; i++) {
    if (signal?.aborted) return;
    const doc = book(i);
    if (since && doc.updated_at <= since) continue;
    yield doc;
  }
}

/** Optional: lets esm show a total (done/total, ETA) before reading. */
export async function count({ since }) {
  if (!since) return TOTAL;
  let n = 0;
  for (let i = 1; i <= TOTAL; i++) if (book(i).updated_at > since) n++;
  return n;
}
