/** Keeping secrets out of messages: the cluster URL without userinfo, and a scrubber for known secrets. */

/** The URL as esm prints it: no username, no password, no trailing slash. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    // Not a URL: drop anything that looks like userinfo.
    return url.replace(/\/\/[^/@]*@/, '//').replace(/\/+$/, '');
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
