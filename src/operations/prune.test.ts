import { describe, expect, it } from 'vitest';
import { bothOrNeither } from './prune.js';

/** A task that runs until stopped, saying when it saw the stop and when it ended. */
function untilStopped(log: string[], name: string) {
  return (stop: AbortSignal) =>
    new Promise<void>((_, reject) => {
      stop.addEventListener('abort', () => {
        log.push(`${name} stopped`);
        setTimeout(() => {
          log.push(`${name} ended`);
          reject(stop.reason);
        }, 10);
      });
    });
}

describe('bothOrNeither (the prune reads source and instance side by side)', () => {
  it('runs the tasks side by side and resolves when all are done', async () => {
    const log: string[] = [];
    const task = (name: string, ms: number) => () => new Promise<void>((r) => setTimeout(() => (log.push(name), r()), ms));
    await bothOrNeither(undefined, [task('slow', 30), task('fast', 5)]);
    expect(log).toEqual(['fast', 'slow']);
  });

  it('stops the others when one fails, and throws that failure once they have ended', async () => {
    const log: string[] = [];
    const failing = async () => {
      await new Promise((r) => setTimeout(r, 5));
      throw new Error('the source file disappeared');
    };
    await expect(bothOrNeither(undefined, [failing, untilStopped(log, 'instance scan')])).rejects.toThrow('the source file disappeared');
    // Thrown only after the other task ended: nothing it holds is released under it.
    expect(log).toEqual(['instance scan stopped', 'instance scan ended']);
  });

  it('stops every task with the run’s own stop reason', async () => {
    const log: string[] = [];
    const outer = new AbortController();
    const run = bothOrNeither(outer.signal, [untilStopped(log, 'a'), untilStopped(log, 'b')]);
    outer.abort(new Error('interrupted (SIGINT)'));
    await expect(run).rejects.toThrow('interrupted (SIGINT)');
    expect(log.sort()).toEqual(['a ended', 'a stopped', 'b ended', 'b stopped']);
  });

  it('does not start work that is already stopped', async () => {
    const outer = new AbortController();
    outer.abort(new Error('interrupted (SIGTERM)'));
    const seen: boolean[] = [];
    await expect(bothOrNeither(outer.signal, [async (stop) => { seen.push(stop.aborted); stop.throwIfAborted(); }])).rejects.toThrow('SIGTERM');
    expect(seen).toEqual([true]);
  });
});
