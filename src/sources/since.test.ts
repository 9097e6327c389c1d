import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { fieldValue } from './doc-field.js';
import { changedSince, parseSince, timeOf } from './since.js';

describe('changedSince', () => {
  const since = parseSince('2024-03-01T00:00:00Z');

  it('compares ISO dates, epoch millis and digit strings with since, strictly later only', () => {
    expect(changedSince('2024-03-01T00:00:01Z', since)).toBe(true);
    expect(changedSince('2024-03-01T00:00:00Z', since)).toBe(false);
    expect(changedSince('2024-02-01', since)).toBe(false);
    expect(changedSince(since + 1, since)).toBe(true);
    expect(changedSince(String(since - 1), since)).toBe(false);
  });

  it('sends a document whose value is missing or not a time (it cannot be proven unchanged)', () => {
    expect(changedSince(undefined, since)).toBe(true);
    expect(changedSince('yesterday-ish', since)).toBe(true);
    expect(timeOf({})).toBeNull();
  });

  it('refuses a since that is not a time', () => {
    expect(() => parseSince('last tuesday')).toThrow(InvalidInputError);
    expect(parseSince('1700000000000')).toBe(1_700_000_000_000);
  });
});

describe('fieldValue', () => {
  it('reads a top-level key first, then a dotted path', () => {
    expect(fieldValue({ 'meta.id': 'flat', meta: { id: 'nested' } }, 'meta.id')).toBe('flat');
    expect(fieldValue({ meta: { updated: { at: 5 } } }, 'meta.updated.at')).toBe(5);
    expect(fieldValue({ meta: [{ id: 1 }] }, 'meta.id')).toBeUndefined();
    expect(fieldValue({}, 'id')).toBeUndefined();
  });
});
