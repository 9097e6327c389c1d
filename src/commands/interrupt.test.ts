import { describe, expect, it } from 'vitest';
import { ExitCode, InterruptedError, RefusedError, RuntimeError, stopSignalOf } from '../errors.js';
import { asInterrupted } from './interrupt.js';

/** A run's signal as withInterrupt aborts it on SIGINT / SIGTERM. */
function stoppedBy(sig: 'SIGINT' | 'SIGTERM'): AbortSignal {
  const ac = new AbortController();
  ac.abort(Object.assign(new Error(`interrupted by ${sig}`), { stopSignal: sig }));
  return ac.signal;
}

describe('a run stopped by a signal', () => {
  it('ends with an InterruptedError: exit 130 for SIGINT, 143 for SIGTERM, the message kept', () => {
    const e = asInterrupted(new RuntimeError('filling movies-2 was interrupted at 2,000 of 9,000 documents'), stoppedBy('SIGINT'));
    expect(e).toBeInstanceOf(InterruptedError);
    expect(e).toMatchObject({ exitCode: 130, kind: 'interrupted', signal: 'SIGINT', message: 'interrupted: filling movies-2 was interrupted at 2,000 of 9,000 documents' });
    const t = asInterrupted(new RuntimeError('interrupted: the update of movies-2 stopped'), stoppedBy('SIGTERM')) as InterruptedError;
    expect([t.exitCode, t.message]).toEqual([ExitCode.terminated, 'interrupted: the update of movies-2 stopped']);
    expect(ExitCode.interrupted).toBe(130);
    expect(ExitCode.terminated).toBe(143);
  });

  it('leaves an error as it is when no signal stopped the run', () => {
    const refused = new RefusedError('lock held');
    expect(asInterrupted(refused, new AbortController().signal)).toBe(refused);
    const other = new AbortController();
    other.abort(new Error('timeout'));
    expect(asInterrupted(refused, other.signal)).toBe(refused);
    expect(stopSignalOf(other.signal)).toBeNull();
    expect(stopSignalOf(stoppedBy('SIGTERM'))).toBe('SIGTERM');
  });
});
