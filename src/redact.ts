/**
 * Keeping secrets out of what esm prints and records: argv in the journal (callers
 * redact it, and the store does it again before anything is written), URL userinfo
 * in free text, the cluster URL as printed, and known secrets in error messages.
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

/** Masks URL userinfo in free text (error messages, a URL as typed): the one URL scrubber. */
export function redactText(text: string, mask = '***@'): string {
  return text.replace(USERINFO, `$1${mask}`);
}

/** The URL as esm prints it: no username, no password, no trailing slash. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    // Not a URL: drop anything that looks like userinfo.
    return redactText(url, '').replace(/\/+$/, '');
  }
}

/** Replace every occurrence of a secret (API key, password, userinfo) with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= 3) out = out.split(s).join('***');
  }
  return out;
}
