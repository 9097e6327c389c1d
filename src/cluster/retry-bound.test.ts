/**
 * The bound of a stalled cluster, on fake timers: every attempt waits its
 * whole timeout, and withRetry gives up within attempts × the timeout — the bound its
 * message states — whatever the backoff's jitter.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClusterError } from '../errors.js';
import { retryPolicy, withRetry } from './retry.js';

describe('against a cluster that never answers (each attempt waits its whole timeout)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Runs withRetry on fake timers: every attempt gets no answer within `timeoutMs`. */
  async function stalled(timeoutMs: number, policy = retryPolicy({ deadlineMs: 5 * timeoutMs })): Promise<{ attempts: number; elapsed: number; error: ClusterError }> {
    vi.useFakeTimers();
    const t0 = Date.now();
    let attempts = 0;
    const noAnswer = new Error('no answer');
    const run = withRetry(
      () => {
        attempts++;
        return new Promise<never>((_, reject) => setTimeout(() => reject(noAnswer), timeoutMs));
      },
      policy,
      { url: 'http://x', what: 'reading cluster health', timeoutMs, classify: (err) => (err === noAnswer ? { kind: 'timeout' } : null) },
    ).then(
      () => null,
      (err: unknown) => err as ClusterError,
    );
    await vi.runAllTimersAsync();
    const error = (await run)!;
    return { attempts, elapsed: Date.now() - t0, error };
  }

  it.each([5_000, 30_000, 3_000, 1_000, 300])('gives up within 5 × a %i ms timeout, and says that bound', async (timeoutMs) => {
    for (let i = 0; i < 20; i++) {
      const { attempts, elapsed, error } = await stalled(timeoutMs);
      expect(elapsed).toBeLessThanOrEqual(5 * timeoutMs);
      expect(attempts).toBeGreaterThanOrEqual(2);
      expect(error).toBeInstanceOf(ClusterError);
      expect(error.details.unreachable).toBe(true);
      expect(error.message).toContain(`attempts over `);
      expect(error.message).toMatch(/; given up within the bound of \S+ \(5 × the \S+ timeout\)$/);
    }
  });

  it('with ESM_TIMEOUT=5s, four attempts and their backoff: about 21 s, not the 28 s five attempts took', async () => {
    const { attempts, elapsed, error } = await stalled(5_000);
    expect(attempts).toBe(4);
    expect(elapsed).toBeGreaterThanOrEqual(20_000);
    expect(elapsed).toBeLessThanOrEqual(21_400);
    expect(error.message).toMatch(/^gave up on reading cluster health after 4 attempts over (2\d(\.\d)?s|2\ds): Elasticsearch at http:\/\/x did not answer within 5s; given up within the bound of 25s \(5 × the 5s timeout\)$/);
  });
});
