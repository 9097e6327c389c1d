/**
 * A failure as machines read it (SPEC §6): with `--json` (or `--events`) every
 * failing command prints `{"error": {"code", "exitCode", "message", "file", "line",
 * "column"}}` on stdout, beside the human message on stderr, with the same exit code.
 */
import { InvalidInputError, type EsmError, type Problem } from '../errors.js';

/** `code`: what kind of failure (EsmError's kind; `internal` for a bug). */
export type ErrorCode = 'invalid_input' | 'refused' | 'cluster' | 'state' | 'runtime' | 'interrupted' | 'internal';

export interface ErrorJson {
  code: ErrorCode;
  exitCode: number;
  /** The message stderr shows, without the `esm: ` in front. */
  message: string;
  /** Where the (first) problem is, when it is in a file. */
  file: string | null;
  line: number | null;
  column: number | null;
  /** Every located problem, when there are several (manifests, config). */
  problems?: { file: string | null; line: number | null; column: number | null; message: string }[];
}

export interface Failure {
  code: ErrorCode;
  exitCode: number;
  message: string;
  problems?: readonly Problem[];
}

export function errorJson(f: Failure): { error: ErrorJson } {
  const problems = f.problems ?? [];
  const first = problems.find((p) => p.file !== undefined);
  return {
    error: {
      code: f.code,
      exitCode: f.exitCode,
      message: f.message,
      file: first?.file ?? null,
      line: first?.line ?? null,
      column: first?.line !== undefined ? (first.col ?? 1) : null,
      ...(problems.length > 0
        ? { problems: problems.map((p) => ({ file: p.file ?? null, line: p.line ?? null, column: p.line !== undefined ? (p.col ?? 1) : null, message: p.message })) }
        : {}),
    },
  };
}

/** An EsmError as a failure document says it. */
export function failureOf(err: EsmError): Failure {
  const problems = err instanceof InvalidInputError ? err.problems : [];
  return { code: err.kind, exitCode: err.exitCode, message: err.message, ...(problems.length ? { problems } : {}) };
}
