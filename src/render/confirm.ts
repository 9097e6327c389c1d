/**
 * The confirmation prompt of `esm apply` on a terminal, as Terraform asks it:
 * only the exact answer `yes` approves.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export const CONFIRM_QUESTION = [
  'Do you want to perform these actions?',
  '  esm will perform the actions described above.',
  "  Only 'yes' will be accepted to approve.",
  '',
  '  Enter a value: ',
].join('\n');

/**
 * Asks on `output`, reads one line from `input`; true only for `yes`. End of
 * input, or the signal firing (Ctrl-C), counts as no.
 */
export async function confirm(input: Readable, output: Writable, question: string = CONFIRM_QUESTION, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return false;
  output.write(question);
  const rl = createInterface({ input, terminal: false });
  let onAbort: (() => void) | undefined;
  try {
    const answer = await new Promise<string | null>((resolve) => {
      rl.once('line', (line) => resolve(line));
      rl.once('close', () => resolve(null));
      onAbort = () => resolve(null);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    output.write('\n');
    return answer?.trim() === 'yes';
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    rl.close();
  }
}
