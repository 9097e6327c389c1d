/** The secrets of a connection, which `redact` scrubs from every message. */
import type { Auth } from './engine.js';

/** The strings of a connection that must never appear in a message: password in the URL, API key, basic auth. */
export function secretsOf(url: string, auth: Auth): string[] {
  const secrets: string[] = [];
  try {
    const u = new URL(url);
    if (u.password) secrets.push(u.password, decodeURIComponent(u.password));
  } catch {
    // an invalid URL has no password to hide
  }
  if (auth.kind === 'apiKey') secrets.push(auth.apiKey);
  if (auth.kind === 'basic') secrets.push(auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64'));
  return secrets.filter((s) => s !== '');
}
