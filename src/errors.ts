// The error taxonomy. Exit codes are decided in one place: src/cli/exit.ts.
import type { Problem } from './model/types.js';

/** The user's input is wrong (files, settings, options, environment). Nothing was written. */
export class InputError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[] | string, options?: { cause?: unknown }) {
    const list = typeof problems === 'string' ? [{ message: problems }] : problems;
    super(list.length === 1 ? list[0]!.message : `${list.length} problems found`, options);
    this.name = 'InputError';
    this.problems = list;
  }
}

/** grantsync decided not to do something the run asked for (blast radius, stale plan, …). */
export class RefusedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RefusedError';
  }
}

/** The Management API answered with an error, or could not be reached. Carries Auth0's body. */
export class ApiError extends Error {
  readonly status: number | undefined;
  readonly errorCode: string | undefined;
  readonly method: string;
  readonly path: string;
  /** True when the request may or may not have taken effect (lost reply, reset connection). */
  readonly outcomeUnknown: boolean;
  /** What to check, when grantsync can tell (a wrong AUTH0_DOMAIN, an emulator that is not running, …). */
  readonly hint: string | undefined;
  constructor(opts: {
    message: string;
    hint?: string;
    method: string;
    path: string;
    status?: number;
    errorCode?: string;
    outcomeUnknown?: boolean;
    cause?: unknown;
  }) {
    super(opts.message, { cause: opts.cause });
    this.name = 'ApiError';
    this.status = opts.status;
    this.errorCode = opts.errorCode;
    this.method = opts.method;
    this.path = opts.path;
    this.outcomeUnknown = opts.outcomeUnknown ?? false;
    this.hint = opts.hint;
  }
}

/** Apply ran but the tenant does not equal the YAML afterwards (some changes failed). */
export class NotConvergedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotConvergedError';
  }
}

/** The GitHub API refused or failed (posting the PR comment). */
export class GitHubError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GitHubError';
  }
}
