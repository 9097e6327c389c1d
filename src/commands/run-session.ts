/** Opens a session for a command and always closes it. */
import type { SessionOptions, Session } from '../operations/session.js';
import type { EsmCommand } from './base.js';

export async function withSession<T>(cmd: EsmCommand, opts: SessionOptions, fn: (s: Session) => Promise<T>): Promise<T> {
  const config = await cmd.config();
  const { Session } = await import('../operations/session.js');
  const s = new Session(config, { argv: cmd.context.argv, ...opts });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}
