// The behaviours the pure (unit) project must guard: each entry breaks one of them in
// one place. `find` must match exactly once in `file`; when the code moved on and it
// matches nowhere (or twice), the run refuses to start and names the entry, so that
// a mutation can never be reported killed or survived without having been applied.
// Keep each pattern as short as the behaviour allows, so that a rewrite around it
// does not break it needlessly.

/** @typedef {{ id: string, what: string, file: string, find: RegExp, replace: string }} Mutation */

/** @type {Mutation[]} */
export const MUTATIONS = [
  {
    id: 'classifier-type',
    what: 'a field type change is taken in place',
    file: 'src/plan/diff.ts',
    find: /(path: `\$\{path\}\.type`, from: typeA, to: typeB, inPlace: )false/,
    replace: '$1true',
  },
  {
    id: 'classifier-setting',
    what: 'every changed setting is taken in place (static ones too)',
    file: 'src/plan/diff.ts',
    find: /(\} else if \(!deepEqual\(a, b\)\) \{\s*const inPlace = )settingKind\(key, dynamic\) === 'dynamic';/,
    replace: '$1true;',
  },
  {
    id: 'classifier-removed-field',
    what: 'a removed field is taken in place',
    file: 'src/plan/diff.ts',
    find: /(kind: level === 'field' \? 'field_removed' : 'subfield_removed',\s*path: p,\s*from: fa,\s*inPlace: )false/,
    replace: '$1true',
  },
  {
    id: 'fingerprint-prefix',
    what: "the hash covers 'v2' + the canonical JSON",
    file: 'src/fingerprint/fingerprint.ts',
    find: /\.update\(stableJson\(canonical\)\)/,
    replace: ".update('v2' + stableJson(canonical))",
  },
  {
    id: 'fingerprint-algorithm',
    what: 'sha3-256 instead of sha256 (still 64 hex digits)',
    file: 'src/fingerprint/fingerprint.ts',
    find: /createHash\('sha256'\)/,
    replace: "createHash('sha3-256')",
  },
  {
    id: 'alias-swap-no-remove',
    what: 'the swap adds the alias without removing it elsewhere',
    file: 'src/cluster/aliases.ts',
    find: /\[\{ remove: \{ index: '\*', alias \} \}, (\{ add: \{ index: to, alias \} \})\]/,
    replace: '[$1]',
  },
  {
    id: 'min-doc-ratio',
    what: 'activation.minDocRatio is never enforced',
    file: 'src/operations/activate.ts',
    find: /if \(have < t\.minDocRatio \* had\)/,
    replace: 'if (have < 0)',
  },
  {
    id: 'failed-as-complete',
    what: 'a failed action is recorded as complete',
    file: 'src/operations/session.ts',
    find: /status: aborted \? 'aborted' : 'failed',/,
    replace: "status: aborted ? 'aborted' : 'complete',",
  },
  {
    id: 'activation-history',
    what: 'activation does not record the active instance',
    file: 'src/operations/activate.ts',
    find: /store\.upsertMaster\(\{ name: t\.master, alias: t\.alias, activeInstance: t\.to \}\);/,
    replace: 'store.upsertMaster({ name: t.master, alias: t.alias });',
  },
  {
    id: 'keep-active-flag',
    what: 'a master written without activeInstance loses its active instance',
    file: 'src/history/store.ts',
    find: /keep \? 1 : 0\]/,
    replace: '0]',
  },
  {
    id: 'lock-host-check',
    what: 'a dead pid on another host lets the lock be taken over',
    file: 'src/cluster/lock.ts',
    find: /if \(doc\.host === me\.host && (Number\.isInteger\(doc\.pid\))/,
    replace: 'if ($1',
  },
  {
    id: 'lock-check-per-step',
    what: 'the executor does not check the lock before each step of a master',
    file: 'src/apply/executor.ts',
    // The check before a master's step (a companion's write has its own, before it).
    find: /opts\.checkpoint\?\.\(\);(\s*\/\/ Fills, prunes)/,
    replace: '$1',
  },
  {
    id: 'lock-create',
    what: 'the lock is written with _doc (overwrites a holder) instead of _create',
    file: 'src/cluster/lock.ts',
    find: /path: docPath\(id, '_create'\),/,
    replace: 'path: docPath(id),',
  },
];
