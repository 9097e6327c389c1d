/**
 * The last line of defence for secrets in the journal: callers redact argv, and
 * the store does it again before anything is written.
 */

/** `--password`, `--es-api-key`, `--token=…`, `--client-secret`: flags whose value is a secret. */
const SECRET_FLAG = /^--?(?:[a-z0-9]+[-_])*(?:password|passwd|pass|api[-_]?key|apikey|token|secret|credentials?)(=.*)?$/i;
/** `ESM_PASSWORD=…`, `api_key=…`: assignments of a secret. */
const SECRET_ASSIGNMENT = /^([a-z0-9_]*(?:password|passwd|api[-_]?key|apikey|token|secret)[a-z0-9_]*=)(.+)$/i;
/** `scheme://user:pass@host`: userinfo anywhere in a string. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi;

export function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = String(argv[i]);
    const flag = SECRET_FLAG.exec(a);
    if (flag) {
      if (flag[1] !== undefined) {
        out.push(`${a.slice(0, a.indexOf('='))}=***`);
      } else {
        out.push(a);
        if (i + 1 < argv.length) {
          out.push('***');
          i++;
        }
      }
      continue;
    }
    const assignment = SECRET_ASSIGNMENT.exec(a);
    out.push(assignment ? `${assignment[1]}***` : redactText(a));
  }
  return out;
}

/** Masks URL userinfo in free text (error messages). */
export function redactText(text: string): string {
  return text.replace(USERINFO, '$1***@');
}
