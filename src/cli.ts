/**
 * The esm command line: registers the commands and maps errors to exit codes
 * (SPEC §6) in one place. Command modules import only clipanion at load time;
 * the library (the cluster code, Ink, sql.js) is imported lazily, so that
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
import { errorJson, failureOf, type Failure } from './render/error-json.js';
import { closestName, closestOption, globalOptionsHelp, globalOptionsNote, tidyOptions, tidyUsage, type GlobalOption } from './commands/usage.js';

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
  const out: Output = { stderr, stdout, debug: env.ESM_DEBUG === '1', machine: machineOutput(argv), documentWritten: () => false };
  let command;
  try {
    command = cli.process(joinNegativeValues(argv), context);
  } catch (e) {
    const help = helpFor(buildCli({ color }), argv, context);
    if (help !== null) {
      stdout.write(help);
      return 0;
    }
    return report(unknownCommand(argv) ?? e, out, true, commandOf(argv));
  }
  out.documentWritten = () => command instanceof EsmCommand && command.documentWritten;
  try {
    const code = await cli.run(command, context);
    const failure = (command as { failure?: unknown }).failure;
    return failure === undefined ? code : report(failure, out, false);
  } catch (e) {
    return report(e, out, false);
  }
}

/** Where a failure is told, and how. */
interface Output {
  stderr: Writable;
  stdout: Writable;
  debug: boolean;
  /** `--json` / `--events` in argv: a failure is also a document on stdout. */
  machine: 'json' | 'events' | null;
  /** The command already printed its document (with the error in it, when it failed). */
  documentWritten: () => boolean;
}

/** `--events` (NDJSON) or `--json` among the options (before `--`), whether the command takes them or not. */
function machineOutput(argv: readonly string[]): 'json' | 'events' | null {
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  if (options.includes('--events')) return 'events';
  return options.includes('--json') ? 'json' : null;
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

/**
 * One clear message on stderr; a stack trace only with ESM_DEBUG=1. With --json or
 * --events, the same failure as a document on stdout too (unless the command's own
 * document, which then holds the error, was printed).
 */
async function report(e: unknown, out: Output, parsing: boolean, command?: string): Promise<number> {
  const err = e instanceof Error ? e : new Error(String(e));
  let failure: Failure;
  if (err instanceof EsmError) {
    failure = failureOf(err);
  } else if (parsing || err instanceof UsageError || err.name === 'UnknownSyntaxError' || err.name === 'AmbiguousSyntaxError') {
    const hint = command !== undefined ? `Run "esm ${command} --help" for its usage.` : 'Run "esm --help" for the list of commands.';
    const unknown = unknownOption(err, command);
    const message = unknown ?? `${tidyUsage(syntaxMessage(err, command), globalOptions())}\n${hint}`;
    failure = { code: 'invalid_input', exitCode: ExitCode.invalidInput, message };
  } else {
    failure = { code: 'internal', exitCode: ExitCode.error, message: `unexpected error: ${err.message}` };
  }
  out.stderr.write(`esm: ${failure.message}\n`);
  if (out.debug && err.stack) out.stderr.write(`${err.stack}\n`);
  if (out.machine !== null && !out.documentWritten()) {
    const doc = errorJson(failure);
    if (out.machine === 'events') {
      const { eventLine } = await import('./render/events-ndjson.js');
      out.stdout.write(eventLine('done', new Date(), { message: failure.message }, doc));
    } else {
      out.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    }
  }
  return failure.exitCode;
}

/**
 * `esm plan --detailed-exit-code`: clipanion says "Unsupported option name"; esm names the
 * option the command does have that is closest, and the command's usage line.
 */
function unknownOption(err: Error, command: string | undefined): string | null {
  const candidates = (err as Error & { candidates?: { usage: string; reason: string | null }[] }).candidates ?? [];
  const said = candidates.find((c) => c.reason !== null)?.reason ?? err.message;
  const m = /^(?:Unsupported|Invalid) option name \("(-[^"=]*)(?:=[^"]*)?"\)/.exec(said.trim());
  if (!m || command === undefined) return null;
  const given = m[1]!;
  const definition = buildCli({ argv: command.split(' ') })
    .definitions()
    .find((d) => d.path === `esm ${command}`);
  // The command's own options (its listed usage leaves the shared ones out) and the shared ones;
  // a boolean option (no `#0` value) also reads as its negation: `--color`, `--no-color`.
  const names = [...(definition?.options ?? []), ...globalOptions()].flatMap((o) => {
    const each = o.definition.match(/--?[a-z][\w-]*/gi) ?? [];
    return o.definition.includes('#0') ? each : [...each, ...each.filter((n) => n.startsWith('--') && !n.startsWith('--no-')).map((n) => `--no-${n.slice(2)}`)];
  });
  names.push('--help');
  // A known option written wrongly (`--full=yes` to a switch): clipanion's own words say what is wrong.
  if (names.includes(given)) return null;
  const near = closestOption(given, [...new Set(names)]);
  const usage = candidates[0] ? `\n$ ${tidyUsage(candidates[0].usage, globalOptions())}` : '';
  const elsewhere = near ? [] : commandsTaking(given);
  const hint = near ? `; did you mean ${near}?` : elsewhere.length ? ` (it is an option of ${elsewhere.map((c) => `esm ${c}`).join(', ')})` : '';
  return `unknown option ${given} for esm ${command}${hint}${usage}\nRun "esm ${command} --help" for its options.`;
}

/** The commands that have option `name` (`--detailed-exitcode`: plan). */
function commandsTaking(name: string): string[] {
  return buildCli()
    .definitions()
    .filter((d) => d.options.some((o) => (o.definition.match(/--?[a-z][\w-]*/gi) ?? ([] as string[])).includes(name)))
    .map((d) => d.path.replace(/^esm /, ''));
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
