/**
 * The esm command line: registers the commands and maps errors to exit codes
 * (SPEC §6) in one place. Command modules import only clipanion at load time;
 * the library (Elasticsearch client, Ink, sql.js) is imported lazily, so that
 * `esm --version` and `esm --help` start fast.
 */
import { Builtins, Cli, Command, UsageError } from 'clipanion';
import { readFileSync } from 'node:fs';
import type { Writable, Readable } from 'node:stream';
import { EsmError, ExitCode, InvalidInputError } from './errors.js';
import { EsmCommand, type EsmContext } from './commands/base.js';
import { COMMANDS } from './commands/index.js';
import { joinNegativeValues } from './commands/argv.js';
import { packageFile } from './package-root.js';
import { closestName, globalOptionsHelp, globalOptionsNote, tidyOptions, tidyUsage, type GlobalOption } from './commands/usage.js';

export function version(): string {
  const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** clipanion with esm's usage lines: `--url <url>`, and the shared options listed once. */
class EsmCli extends Cli<EsmContext> {
  override usage(...args: Parameters<Cli<EsmContext>['usage']>): string {
    const text = super.usage(...args);
    if (args[0] === null || args[0] === undefined) return `${text}\n${globalOptionsHelp(globalOptions())}`;
    return args[1]?.detailed ? `${text}\n${globalOptionsNote(globalOptions())}\n` : text;
  }

  protected override getUsageByIndex(...args: Parameters<Cli<EsmContext>['getUsageByIndex']>): ReturnType<Cli<EsmContext>['getUsageByIndex']> {
    const { usage, options } = super.getUsageByIndex(...args);
    return { usage: tidyUsage(usage, globalOptions()), options: tidyOptions(options, globalOptions()) };
  }
}

let globals: GlobalOption[] | undefined;
/** The options EsmCommand declares, read from a command that declares nothing else. */
function globalOptions(): GlobalOption[] {
  if (globals) return globals;
  class Probe extends EsmCommand {
    static override paths = [['probe']];
    static override usage = Command.Usage({});
    async execute(): Promise<number> {
      return 0;
    }
  }
  const probe = new Cli<EsmContext>();
  probe.register(Probe);
  globals = probe.definitions()[0]!.options.map(({ definition, description }) => ({ definition, description: (description ?? '').trim() }));
  return globals;
}

/**
 * The CLI with every command, or (`argv` given) with only the commands that argv's
 * first word names when it names one plainly: clipanion builds its parser from every
 * option of every registered command, a tenth of `esm plan`'s start-up. Help, version,
 * typos and `esm help` get every command, so that usage and suggestions see them all.
 */
export function buildCli(opts: { color?: boolean; argv?: readonly string[] } = {}): Cli<EsmContext> {
  const cli = new EsmCli({
    enableColors: opts.color ?? false,
    binaryLabel: 'esm — Elasticsearch index schemas as code',
    binaryName: 'esm',
    binaryVersion: version(),
  });
  const named = opts.argv ? commandsNamedBy(opts.argv) : [];
  if (named.length > 0) {
    for (const c of named) cli.register(c);
    return cli;
  }
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  for (const c of COMMANDS) cli.register(c);
  return cli;
}

function commandsNamedBy(argv: readonly string[]): typeof COMMANDS {
  const first = argv[0];
  if (first === undefined || first === 'help' || argv.some((a) => a === '--help' || a === '-h' || a === '--version')) return [];
  return COMMANDS.filter((c) => c.paths?.some((p) => p[0] === first));
}

/**
 * Colours (SPEC §6, STYLE habit 7): FORCE_COLOR (unless 0/false) turns them on,
 * a non-empty NO_COLOR off (an empty `NO_COLOR=` does not count, per no-color.org),
 * otherwise a terminal that is not `dumb`. `--color` / `--no-color` decide over all of them.
 */
export function colorWanted(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY && env.TERM !== 'dumb';
}

export interface RunOptions {
  stdout?: Writable;
  stderr?: Writable;
  stdin?: Readable;
  env?: Record<string, string | undefined>;
  cwd?: string;
  isTTY?: boolean;
}

/** Runs esm with argv and returns the exit code. Never calls process.exit. */
export async function run(argv: string[], opts: RunOptions = {}): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const env = opts.env ?? process.env;
  const isTTY = opts.isTTY ?? Boolean((stdout as NodeJS.WriteStream).isTTY && (stderr as NodeJS.WriteStream).isTTY);
  const color = colorWanted(env, isTTY);
  const context: EsmContext = {
    stdin: opts.stdin ?? process.stdin,
    stdout,
    stderr,
    env,
    colorDepth: color ? 8 : 1,
    cwd: opts.cwd ?? process.cwd(),
    isTTY,
    color,
    argv: ['esm', ...argv],
  };
  const cli = buildCli({ color, argv });
  const debug = env.ESM_DEBUG === '1';
  let command;
  try {
    command = cli.process(joinNegativeValues(argv), context);
  } catch (e) {
    const help = helpFor(buildCli({ color }), argv, context);
    if (help !== null) {
      stdout.write(help);
      return 0;
    }
    return report(unknownCommand(argv) ?? e, stderr, debug, true, commandOf(argv));
  }
  try {
    const code = await cli.run(command, context);
    const failure = (command as { failure?: unknown }).failure;
    return failure === undefined ? code : report(failure, stderr, debug, false);
  } catch (e) {
    return report(e, stderr, debug, false);
  }
}

/**
 * `esm create movies --help`: clipanion takes --help only right after the command
 * path, so find the longest leading path that names a command and show its help.
 */
function helpFor(cli: Cli<EsmContext>, argv: string[], context: EsmContext): string | null {
  if (!argv.some((a) => a === '--help' || a === '-h')) return null;
  const words = argv.filter((a) => !a.startsWith('-'));
  for (let k = words.length; k >= 1; k--) {
    const path = words.slice(0, k).join(' ');
    const command = COMMANDS.find((c) => c.paths?.some((p) => p.join(' ') === path));
    if (command) return cli.usage(command, { colored: context.color, detailed: true });
  }
  return null;
}

/** The command words esm knows (`create`, `state rebuild`, `help`, …). */
function commandPaths(): string[] {
  return COMMANDS.flatMap((c) => (c.paths ?? []).map((p) => p.join(' ')));
}

/** The command named by the leading words of argv, if any (`state rebuild`, `plan`). */
function commandOf(argv: string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  for (let k = words.length; k >= 1; k--) {
    const path = words.slice(0, k).join(' ');
    if (commandPaths().includes(path)) return path;
  }
  return undefined;
}

/** `esm valdate`: name the closest command instead of listing every usage line. */
function unknownCommand(argv: string[]): InvalidInputError | null {
  const first = argv[0];
  if (first === undefined || first.startsWith('-')) return null;
  const firstWords = new Set(commandPaths().map((p) => p.split(' ')[0]!));
  if (firstWords.has(first)) return null;
  const near = closestName(first, [...firstWords]);
  return new InvalidInputError(`unknown command "${first}"${near ? `; did you mean \`${near}\`?` : ''}\nRun "esm --help" for the list of commands.`);
}

/**
 * clipanion's "Command not found; did you mean one of:" lists the same usage line once per
 * way it tried to read the words; for a known command, say what did not fit, with its usage once.
 */
function syntaxMessage(err: Error, command: string | undefined): string {
  const candidates = (err as Error & { candidates?: { usage: string; reason: string | null }[] }).candidates;
  if (err.name !== 'UnknownSyntaxError' || command === undefined || !candidates?.length) return err.message.trim();
  const reason = candidates.find((c) => c.reason !== null)?.reason ?? `these arguments do not fit esm ${command}`;
  return `${reason}\n$ ${[...new Set(candidates.map((c) => c.usage))][0]}`;
}

/** One clear message on stderr; a stack trace only with ESM_DEBUG=1. */
function report(e: unknown, stderr: Writable, debug: boolean, parsing: boolean, command?: string): number {
  const err = e instanceof Error ? e : new Error(String(e));
  let code: number;
  let message: string;
  if (err instanceof EsmError) {
    code = err.exitCode;
    message = err.message;
  } else if (parsing || err instanceof UsageError || err.name === 'UnknownSyntaxError' || err.name === 'AmbiguousSyntaxError') {
    code = ExitCode.invalidInput;
    const hint = command !== undefined ? `Run "esm ${command} --help" for its usage.` : 'Run "esm --help" for the list of commands.';
    message = `${tidyUsage(syntaxMessage(err, command), globalOptions())}\n${hint}`;
  } else {
    code = ExitCode.error;
    message = `unexpected error: ${err.message}`;
  }
  stderr.write(`esm: ${message}\n`);
  if (debug && err.stack) stderr.write(`${err.stack}\n`);
  return code;
}

export async function main(argv: string[]): Promise<void> {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  process.exitCode = await run(argv);
}

/**
 * `esm history --json | head -1`: the reader went away. Output nobody reads is
 * dropped without a stack trace, and the command still finishes its work (an
 * apply must not stop between two steps because its log reader left).
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
    if (stream !== process.stderr) process.stderr.write(`esm: cannot write the output: ${e.code ?? e.message}\n`);
    process.exitCode = ExitCode.error;
  });
}
