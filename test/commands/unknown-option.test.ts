/**
 * An unknown option gets what an unknown command gets: the closest option of
 * THAT command ("did you mean"), or the commands that have it, and the command's usage line.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('an unknown option', () => {
  it.each([
    [['plan', '--detailed-exit-code'], '--detailed-exitcode'],
    [['plan', '--mark'], '--markdown'],
    [['plan', '--offline', '--bse', 'main'], '--base'],
    [['apply', '--auto-aprove'], '--auto-approve'],
    [['apply', '--autoapprove'], '--auto-approve'],
    [['apply', '--no-activat'], '--no-activate'],
    [['apply', '--event'], '--events'],
    [['update', 'movies', '--ful'], '--full'],
    [['update', 'movies', '--lastest'], '--latest'],
    [['list', '--es-onyl'], '--es-only'],
    [['list', '--no-colr'], '--no-color'],
    [['list', '--prefx', 'qa1_'], '--prefix'],
    [['drop', 'movies', '--olde'], '--older'],
    [['state', 'rebuild', '--jsno'], '--json'],
    [['history', '--limt', '3'], '--limit'],
  ])('esm %j: did you mean %s (per command), exit 3, with the usage line', async (argv, near) => {
    const r = await runCli(argv);
    const command = argv.filter((a) => !a.startsWith('-')).slice(0, argv[0] === 'state' ? 2 : 1).join(' ');
    const given = argv.find((a) => a.startsWith('-') && !['--offline'].includes(a))!;
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      `esm: unknown option ${given} for esm ${command}; did you mean ${near}?`,
      expect.stringMatching(new RegExp(`^\\$ esm ${command} `)),
      `Run "esm ${command} --help" for its options.`,
      '',
    ]);
  });

  it('names the commands that have an option another command lacks, and suggests nothing far off', async () => {
    const list = await runCli(['list', '--detailed-exitcode']);
    expect(list.stderr.split('\n')[0]).toBe('esm: unknown option --detailed-exitcode for esm list (it is an option of esm plan)');
    const history = await runCli(['history', '--full']);
    expect(history.stderr.split('\n')[0]).toBe('esm: unknown option --full for esm history (it is an option of esm update)');
    const bogus = await runCli(['list', '--bogus']);
    expect(bogus.stderr.split('\n')[0]).toBe('esm: unknown option --bogus for esm list');
    for (const r of [list, history, bogus]) expect(r.code).toBe(3);
  });

  it('reads --opt=value as the option --opt', async () => {
    const r = await runCli(['update', 'movies', '--batch-sise=10']);
    expect(r.stderr.split('\n')[0]).toBe('esm: unknown option --batch-sise for esm update; did you mean --batch-size?');
  });
});
