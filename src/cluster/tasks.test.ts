import { describe, expect, it } from 'vitest';
import { taskOutcome, type TaskResponse } from './tasks.js';

describe('taskOutcome', () => {
  it('a task cancelled by _tasks/_cancel is a cancellation with its reason', () => {
    expect(taskOutcome({ completed: true, response: { canceled: 'by user request' } } as TaskResponse)).toEqual({ why: 'was cancelled (by user request)' });
  });

  it('a cancel that lands during the scroll search (the engine reports a search failure) is a cancellation too', () => {
    const t = {
      completed: true,
      error: {
        type: 'search_phase_execution_exception',
        reason: 'Partial shards failure',
        phase: 'query',
        failed_shards: [{ shard: 0, index: 'films', reason: { type: 'task_cancelled_exception', reason: 'cancelled task with reason: by user request' } }],
      },
    } as unknown as TaskResponse;
    expect(taskOutcome(t)).toEqual({ why: 'was cancelled (by user request)' });
  });

  it('a cancel that ends the scroll before any shard answers (caused by task_cancelled_exception) is a cancellation too', () => {
    const t = {
      completed: true,
      error: { type: 'search_phase_execution_exception', reason: '', phase: 'fetch', grouped: true, failed_shards: [], caused_by: { type: 'task_cancelled_exception', reason: 'request has been terminated' } },
    } as unknown as TaskResponse;
    expect(taskOutcome(t)).toEqual({ why: 'was cancelled (request has been terminated)' });
  });

  it('any other error is a failure with the engine type and reason', () => {
    const t = { completed: true, error: { type: 'index_not_found_exception', reason: 'no such index [films]' } } as unknown as TaskResponse;
    expect(taskOutcome(t)).toMatchObject({ why: 'failed: index_not_found_exception: no such index [films]', type: 'index_not_found_exception' });
  });
});
