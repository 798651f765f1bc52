// The one place that turns errors into messages and exit codes (0 ok, 1 failure, 2 changes,
// 3 plan --detailed-exitcode of a plan that apply would refuse).
// Messages quote tenant and API text: control characters are shown visibly (io keeps lines that
// could be workflow commands from being read as one).
import { ApiError, GitHubError, InputError, NotConvergedError, RefusedError } from '../errors.js';
import { safeJson, visibleText } from '../util/escape.js';
import { problemJson, renderProblems, type JsonProblem } from '../render/problems.js';
import type { Problem } from '../model/types.js';
import type { Io } from './io.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_CHANGES = 2;
/** `plan --detailed-exitcode`: apply would refuse this plan (e.g. more removals than the budget). */
export const EXIT_REFUSED = 3;

/**
 * `--strict`: least-privilege warnings (not notes) fail the run, once the plan has been shown and
 * published. It wins over --detailed-exitcode's 2 and 3: a failure is 1 (design §4).
 */
export function strictExitCode(findings: readonly Problem[] | undefined, io: Io): number | undefined {
  const warnings = (findings ?? []).filter((p) => p.severity === 'warning').length;
  if (warnings === 0) return undefined;
  io.err(`--strict: ${warnings} least-privilege warning${warnings === 1 ? '' : 's'}; exit 1.\n`);
  return EXIT_FAILURE;
}

/**
 * With `--format json` the errors are JSON on stdout too (`{"errors":[…]}`), so a script reading
 * stdout gets JSON whatever happened; stderr says the same for a person.
 */
export function reportError(error: unknown, io: Io, verbose: boolean, format?: string): number {
  // An unconverged apply has printed its JSON report already: stdout stays one document.
  if (format === 'json' && !(error instanceof NotConvergedError)) io.out(`${safeJson(JSON.stringify({ errors: jsonErrors(error) }, null, 2))}\n`);
  if (error instanceof InputError) {
    io.err(renderProblems(error.problems));
    const n = error.problems.length;
    io.err(`\n${n} problem${n === 1 ? '' : 's'} found; nothing was changed.\n`);
  } else if (error instanceof RefusedError) {
    io.err(`error: apply refused: ${visibleText(error.message)}\n`);
  } else if (error instanceof ApiError) {
    io.err(`error: Management API: ${visibleText(error.message)}\n${error.hint ? `hint: ${visibleText(error.hint)}\n` : ''}`);
  } else if (error instanceof GitHubError) {
    io.err(`error: GitHub: ${visibleText(error.message)}\n`);
  } else if (error instanceof NotConvergedError) {
    io.err(`error: ${visibleText(error.message)}\n`);
  } else {
    // A bug, not a user mistake: say so, and show the stack only when asked.
    const err = error instanceof Error ? error : new Error(String(error));
    io.err(`error: unexpected failure (this is a bug in grantsync): ${visibleText(err.message)}\n`);
    if (verbose && err.stack) io.err(`${visibleText(err.stack)}\n`);
  }
  return EXIT_FAILURE;
}

type JsonError = { kind: string; message: string } & Partial<JsonProblem>;

function jsonErrors(error: unknown): JsonError[] {
  if (error instanceof InputError) return error.problems.map((p) => ({ kind: 'input', ...problemJson(p) }));
  const kind =
    error instanceof RefusedError ? 'refused'
    : error instanceof ApiError ? 'api'
    : error instanceof GitHubError ? 'github'
    : error instanceof NotConvergedError ? 'not-converged'
    : 'bug';
  return [{ kind, message: error instanceof Error ? error.message : String(error) }];
}
