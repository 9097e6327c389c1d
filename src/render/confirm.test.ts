import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { confirm, CONFIRM_QUESTION } from './confirm.js';

function output() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  return { out, text: () => text };
}

describe('confirm', () => {
  it("asks Terraform's question and approves only on 'yes'", async () => {
    const o = output();
    expect(await confirm(Readable.from(['yes\n']), o.out)).toBe(true);
    expect(o.text()).toContain(CONFIRM_QUESTION);
    expect(o.text()).toContain("Only 'yes' will be accepted");
  });

  it.each(['y\n', 'YES\n', 'no\n', '\n'])('refuses the answer %j', async (answer) => {
    expect(await confirm(Readable.from([answer]), output().out)).toBe(false);
  });

  it('refuses when the input ends without an answer', async () => {
    expect(await confirm(Readable.from([]), output().out)).toBe(false);
  });

  it('refuses when interrupted while waiting', async () => {
    const ac = new AbortController();
    const input = new PassThrough();
    const answer = confirm(input, output().out, undefined, ac.signal);
    ac.abort();
    expect(await answer).toBe(false);
  });
});
