export { HistoryStore, type OpenOptions, type StoreInternals } from './store.js';
export { redactArgv } from '../redact.js';
export { MIGRATIONS, type Migration } from './migrations.js';
export * from './types.js';
