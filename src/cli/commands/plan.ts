// `grantsync plan`: read-only. Prints the plan; optionally saves it for `apply --plan`.
import { writeFile } from 'node:fs/promises';
import type { Redactor } from '../../api/redact.js';
import { InputError } from '../../errors.js';
import type { Plan } from '../../model/types.js';
import { safeJson } from '../../util/escape.js';
import type { Env } from '../environment.js';
import { EXIT_CHANGES, EXIT_OK, EXIT_REFUSED, strictExitCode } from '../exit.js';
import { planBudget } from '../budget.js';
import type { Io } from '../io.js';
import { onUserFile } from '../user-files.js';
import { openSession, planDirectory, type CommonOptions } from '../session.js';
import { refuseWriteCredentials } from '../write-credentials.js';

import type { Format } from '../render-plan.js';

export type { Format };

export interface PlanOptions extends CommonOptions {
  format: Format;
  out?: string;
  detailedExitcode: boolean;
  comment: boolean;
  driftIssue: boolean;
  /** Run in a pull-request job even with create:/update:/delete: scopes. */
  allowWriteCredentials?: boolean;
  /** The deletion budget to plan against (as apply --max-deletes would). */
  maxDeletes?: number;
  /** Exit 1 when the least-privilege checks warn. */
  strict?: boolean;
}

export async function planCommand(options: PlanOptions, env: Env, io: Io, redactor: Redactor): Promise<number> {
  const session = openSession(env, io, redactor, options);
  let planned: Awaited<ReturnType<typeof planDirectory>>;
  try {
    const budget = await planBudget(options.maxDeletes, env, io);
    planned = await planDirectory(session, io, options.dir, env, {
      beforeReads: () => refuseWriteCredentials(session.client.tokens, env, options.allowWriteCredentials === true),
      budget,
      whileReading: loadPrinting,
    });
  } catch (error) {
    // Bad input still reaches the reviewer: annotations, the job summary and the PR comment.
    if (error instanceof InputError) await (await import('../publish.js')).publishProblems(error.problems, options, env, io, redactor);
    throw error;
  }
  const [{ renderPlan }, { publishPlan }] = await loadPrinting();
  io.out(renderPlan(planned.plan, options.format, env, io));
  await publishPlan(planned.plan, options, env, io, redactor);
  if (options.out) {
    const { toSavedPlan } = await import('../../plan/saved.js');
    const saved = toSavedPlan(planned.plan, { host: session.environment.endpoint.host });
    const out = options.out;
    await onUserFile('write the plan to', out, () => writeFile(out, savedPlanText(saved, out, io)));
    if (!options.quiet) io.err(`Saved the plan to ${options.out}; apply exactly it with \`grantsync apply --plan ${options.out}\`.\n`);
  }
  const strict = options.strict ? strictExitCode(planned.plan.lint, io) : undefined;
  return strict ?? (options.detailedExitcode ? detailedExitCode(planned.plan) : EXIT_OK);
}

/**
 * Rendering and publishing: not loaded before the first request, which they would delay, but while
 * the rate limit holds the reads (planDirectory's whileReading), so not after the last answer either.
 */
function loadPrinting(): Promise<[typeof import('../render-plan.js'), typeof import('../publish.js')]> {
  return Promise.all([import('../render-plan.js'), import('../publish.js')]);
}

/** --detailed-exitcode: 3 when apply would refuse the plan, 2 when it has changes, 0 when none. */
export function detailedExitCode(plan: Plan): number {
  if ((plan.refusals ?? []).length > 0) return EXIT_REFUSED;
  return plan.changes.length > 0 ? EXIT_CHANGES : EXIT_OK;
}

/**
 * A file is an output like any other, escaped as JSON output is and checked by the same redactor.
 * A redacted plan would be a different plan, so a plan holding anything secret-shaped is not saved.
 */
function savedPlanText(saved: unknown, file: string, io: Io): string {
  const text = `${safeJson(JSON.stringify(saved, null, 2))}\n`;
  if (io.redact(text) !== text) {
    throw new InputError([
      {
        message: `the plan holds a secret or a token-shaped value, so it was not saved to ${file}`,
        hint: 'Find the value with `grantsync plan` (it shows [REDACTED] there) and keep secrets out of grant files, vars and client names.',
      },
    ]);
  }
  return text;
}
