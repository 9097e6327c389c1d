import { describe, expect, it } from 'vitest';
import { firstLine } from './apply-result.js';

describe('firstLine: the one-line summary of an error', () => {
  it('a long error is cut between words, never inside a bracketed name', () => {
    const error =
      'Elasticsearch at http://127.0.0.1:9200 answered 400 (mapper_parsing_exception: Failed to parse mapping: The mapper type [dubble] declared on field [process.io.text] does not exist) while creating index ecs-1';
    const line = firstLine(error, 155);
    expect(line.length).toBeLessThanOrEqual(156);
    expect(line.endsWith(' …')).toBe(true);
    // Every name it shows is whole: no "[te…" or "[process.io.te…".
    expect(line).not.toMatch(/\[[^\]]*$/);
    expect(firstLine(error, 170)).toContain('[process.io.text]');
    expect(firstLine(error, 160)).not.toContain('[process');
  });

  it('a short error, and its first clause only', () => {
    expect(firstLine('connection refused; retried 5 times')).toBe('connection refused');
  });
});
