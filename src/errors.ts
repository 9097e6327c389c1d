/**
 * Typed errors. Library code throws these; `cli.ts` alone maps them to exit
 * codes (SPEC §6) and messages. Nothing else calls `process.exit`.
 */

export const ExitCode = {
  ok: 0,
  error: 1,
  changes: 2,
  invalidInput: 3,
  refused: 4,
  /** Stopped by SIGINT (Ctrl-C): 128 + 2, the shells' convention. */
  interrupted: 130,
  /** Stopped by SIGTERM: 128 + 15. */
  terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A problem located in a file: rendered as `file:line:col: message`. */
export interface Problem {
  file?: string;
  line?: number;
  col?: number;
  message: string;
}

export function formatProblem(p: Problem): string {
  if (!p.file) return p.message;
  const where = p.line !== undefined ? `${p.file}:${p.line}:${p.col ?? 1}` : p.file;
  return `${where}: ${p.message}`;
}

export abstract class EsmError extends Error {
  abstract readonly exitCode: ExitCode;
  abstract readonly kind: 'invalid_input' | 'refused' | 'cluster' | 'state' | 'runtime' | 'interrupted';
}

/** Bad manifests, config, flags or arguments (exit 3). */
export class InvalidInputError extends EsmError {
  readonly exitCode = ExitCode.invalidInput;
  readonly kind = 'invalid_input' as const;
  constructor(
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(problems.length ? `${message}\n${problems.map((p) => '  ' + formatProblem(p)).join('\n')}` : message);
    this.name = 'InvalidInputError';
  }
}

/** A safety guard said no: lock held, stale plan, unfilled instance, active index… (exit 4). */
export class RefusedError extends EsmError {
  readonly exitCode = ExitCode.refused;
  readonly kind = 'refused' as const;
  constructor(message: string) {
    super(message);
    this.name = 'RefusedError';
  }
}

/** The user declined at the confirmation prompt (exit 4): nothing was done, nothing is recorded. */
export class CancelledError extends RefusedError {
  constructor(message: string) {
    super(message);
    this.name = 'CancelledError';
  }
}

/** Elasticsearch unreachable or answering errors after retries (exit 1). Never carries credentials. */
export class ClusterError extends EsmError {
  readonly exitCode = ExitCode.error;
  readonly kind = 'cluster' as const;
  constructor(
    message: string,
    /**
     * `rootCause`: the engine's innermost reason, when its error nests causes (see esError).
     * `unreachable`: esm gave up because the cluster could not be reached or did not answer in time
     * (not because of what it answered).
     */
    readonly details: { url?: string; status?: number; type?: string; rootCause?: string; unreachable?: boolean } = {},
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}

/** The state file is corrupt, foreign, or newer than this esm (exit 1). */
export class StateError extends EsmError {
  readonly exitCode = ExitCode.error;
  readonly kind = 'state' as const;
  constructor(message: string) {
    super(message);
    this.name = 'StateError';
  }
}

/** Anything else that went wrong at run time (exit 1): a failed fill, a source error… */
export class RuntimeError extends EsmError {
  readonly exitCode = ExitCode.error;
  readonly kind = 'runtime' as const;
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeError';
  }
}

/** The signals that stop a run cleanly (src/commands/interrupt.ts). */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The run was stopped by a signal, at a safe point (exit 130 for SIGINT, 143 for SIGTERM). */
export class InterruptedError extends EsmError {
  readonly exitCode: ExitCode;
  readonly kind = 'interrupted' as const;
  constructor(
    message: string,
    readonly signal: StopSignal,
  ) {
    super(message.startsWith('interrupted') ? message : `interrupted: ${message}`);
    this.name = 'InterruptedError';
    this.exitCode = signal === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted;
  }
}

/** The signal that stopped the run whose AbortSignal this is, or null (not aborted, or aborted otherwise). */
export function stopSignalOf(signal: AbortSignal | undefined): StopSignal | null {
  const reason = signal?.aborted ? (signal.reason as { stopSignal?: unknown } | undefined) : undefined;
  return reason?.stopSignal === 'SIGINT' || reason?.stopSignal === 'SIGTERM' ? reason.stopSignal : null;
}

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
