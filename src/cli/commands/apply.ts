// `grantsync apply`: plan (or read a saved plan), pass the guards, write, re-read, verify.
import { open } from 'node:fs/promises';
import type { Redactor } from '../../api/redact.js';
import { applyAndVerify, refuseIfAny, systemAudiences } from '../../engine.js';
import { InputError, NotConvergedError, RefusedError } from '../../errors.js';
import type { Budget, Change, DesiredGrant, LiveGrant, OrganizationSummary, Ownership, Plan } from '../../model/types.js';
import { loadSavedPlanSchema } from '../../config/schemas.js';
import { compareWithSaved, parseSavedPlan } from '../../plan/saved.js';
import { describeMismatch } from '../../render/mismatch.js';
import { toJsonPlan } from '../../plan/json.js';
import { applyView, describeVerifyReads, tally } from '../../render/apply.js';
import type { Env } from '../environment.js';
import { reportChangedPlan, reviewedPlan, type ReviewedPlan } from '../approval.js';
import { applyBudget } from '../budget.js';
import { EXIT_OK } from '../exit.js';
import type { Io } from '../io.js';
import { publishPlan, publishProblems } from '../publish.js';
import { openSession, planDirectory, type CommonOptions, type Session } from '../session.js';
import { renderPlan, type Format } from '../render-plan.js';
import { Breaker } from '../../apply/breaker.js';
import { refuseMissingWriteScopes } from '../write-credentials.js';
import { confirmApply, NO_PROMPT, type Prompt } from '../confirm.js';

export interface ApplyOptions extends CommonOptions {
  format: Format;
  plan?: string;
  /** The change-set digest a reviewer approved: apply refuses any other. */
  expect?: string;
  /** Take the digest to expect from the plan comment on the merged pull request of GITHUB_SHA. */
  expectFromPr?: boolean;
  /** With --expect-from-pr: apply even when the commit merged no pull request (a direct push, workflow_dispatch). */
  allowUnreviewed?: boolean;
  maxDeletes?: number;
  /** Apply without asking for `yes` (on a terminal, or for a plan flagged self-escalation). */
  autoApprove?: boolean;
}

interface Work {
  plan: Plan;
  changes: Change[];
  live: LiveGrant[];
  /** Every grant read before the apply, managed or not. */
  snapshot: LiveGrant[];
  desired: DesiredGrant[];
  ownership: Ownership;
  systemAudiences: Set<string>;
  organizations?: OrganizationSummary[];
}

export async function applyCommand(options: ApplyOptions, env: Env, io: Io, redactor: Redactor, signal?: AbortSignal, prompt: Prompt = NO_PROMPT): Promise<number> {
  if (options.expect !== undefined && !/^sha256:[0-9a-f]{64}$/.test(options.expect.trim())) {
    throw new InputError([{ message: '--expect takes a change set digest (sha256: and 64 hex digits)', hint: 'Copy the "Change set" line of the approved plan.' }]);
  }
  if (options.expect !== undefined && options.expectFromPr) throw new InputError('--expect and --expect-from-pr exclude each other');
  const session = openSession(env, io, redactor, options);
  const publishing = { dir: options.dir, comment: false, quiet: options.quiet, format: options.format };
  const where = { host: session.environment.endpoint.host, dir: options.dir };
  const reviewed: ReviewedPlan = options.expectFromPr
    ? await reviewedPlan({ ...where, allowUnreviewed: options.allowUnreviewed === true }, env, io, redactor)
    : { digest: options.expect?.trim() };
  const budget = applyBudget(options.maxDeletes, reviewed, io);
  let work: Work;
  try {
    work = options.plan ? await fromSavedPlan(session, io, options, env, options.plan, budget) : await fromDirectory(session, io, options, env, budget);
  } catch (error) {
    if (error instanceof InputError) await publishProblems(error.problems, publishing, env, io, redactor);
    throw error;
  }
  const view = applyView(options.format, { quiet: options.quiet });
  const shown = view.plan(work.plan, (plan) => renderPlan(plan, options.format, env, io));
  if (shown !== undefined) io.out(shown);
  await publishPlan(work.plan, publishing, env, io, redactor);
  if (reviewed.digest !== undefined && work.plan.digest !== reviewed.digest) {
    await reportChangedPlan(work.plan, reviewed, where, env, io, redactor);
    throw new RefusedError(
      `the plan changed since it was approved: the approved change set is ${reviewed.digest}, today's is ${work.plan.digest} (shown above); nothing was changed. ` +
        'Review the new plan on the pull request and approve it again.',
    );
  }

  // The same refusals the plan showed (src/plan/refusals.ts): the plan and the apply cannot disagree.
  refuseIfAny(work.plan.refusals ?? []);
  if (work.changes.length === 0) {
    io.out(view.nothingToApply(work.plan));
    return EXIT_OK;
  }

  await refuseMissingWriteScopes(session.client.tokens, work.changes);
  await confirmApply(work.changes, session.environment.endpoint.host, prompt, io, options.autoApprove === true);

  const starting = view.starting(work.changes.length);
  if (starting !== undefined) io.out(starting);
  const breaker = (session.breaker = new Breaker());
  let applied = 0;
  let failedSoFar = 0;
  const result = await applyAndVerify(session.client, work.changes, {
    live: work.live,
    snapshot: work.snapshot,
    desired: work.desired,
    ownership: work.ownership,
    organizations: work.organizations,
    signal,
    breaker,
    concurrency: options.concurrency,
    onOutcome: (outcome, _done, total) => {
      if (outcome.kind === 'failed') failedSoFar++;
      else if (outcome.kind !== 'skipped') applied++;
      // The progress line counts what was applied, not what was attempted.
      session.progress.change(applied, total, failedSoFar);
      const line = view.outcome(outcome);
      if (line !== undefined) session.progress.around(() => io.out(line));
    },
    onVerify: (reads) => {
      if (options.verbose) session.progress.around(() => io.err(`${describeVerifyReads(reads)}\n`));
    },
  });
  session.progress.done();
  io.out(view.report({ plan: work.plan, outcomes: result.outcomes, remaining: result.remaining?.length, verifyError: result.verifyError, stopped: breaker.reason, finishedAt: Date.now() }));
  const failures = view.quietFailures(result.outcomes);
  if (failures !== undefined) io.err(failures);
  const { failed, skipped } = tally(result.outcomes);
  const converged = result.remaining?.length === 0;
  if (failed > 0 || skipped > 0 || !converged) {
    throw new NotConvergedError(
      `${breaker.reason ? `apply stopped: ${breaker.reason}. ` : ''}` +
        `${failed ? `${failed} change(s) failed. ` : ''}${skipped ? `${skipped} change(s) were not started. ` : ''}` +
        (breaker.reason
          ? 'Nothing already applied is lost: run apply again once the Management API is reachable and accepts these credentials; it converges.'
          : 'Nothing already applied is lost: run apply again to converge.'),
    );
  }
  return EXIT_OK;
}

async function fromDirectory(session: Session, io: Io, options: ApplyOptions, env: Env, budget: Budget | undefined): Promise<Work> {
  const planned = await planDirectory(session, io, options.dir, env, { budget });
  return {
    plan: planned.plan,
    changes: planned.plan.changes,
    live: planned.diff.managed,
    snapshot: planned.tenant.grants,
    desired: planned.desired,
    ownership: planned.ownership,
    systemAudiences: systemAudiences(planned.tenant),
    organizations: planned.tenant.organizations,
  };
}

/**
 * A saved plan is a promise of what today's YAML, settings and tenant produce: the plan is computed
 * again, exactly as without --plan, and apply goes ahead only when it equals the saved one. Every
 * rail (ownership, budgets, flags) comes from the recomputation; the file only has to match it.
 */
async function fromSavedPlan(session: Session, io: Io, options: ApplyOptions, env: Env, file: string, budget: Budget | undefined): Promise<Work> {
  const saved = parseSavedPlan(await readPlanFile(file), file, loadSavedPlanSchema());
  const host = session.environment.endpoint.host;
  if (saved.host.toLowerCase() !== host.toLowerCase()) {
    throw new RefusedError(`the plan in ${file} was made for ${saved.host}, but AUTH0_DOMAIN points at ${host}; nothing was changed.`);
  }
  const work = await fromDirectory(session, io, options, env, budget);
  const mismatch = compareWithSaved(saved, toJsonPlan(work.plan), host);
  if (mismatch) throw new RefusedError(describeMismatch(mismatch, file));
  return work;
}

/** Plan files are bounded like every other input: a regular file of at most 64 MiB. */
async function readPlanFile(file: string): Promise<string> {
  const unreadable = (cause: unknown): InputError =>
    new InputError([{ message: `cannot read plan file ${file}`, hint: 'Write one with `grantsync plan --out <file>`.' }], { cause });
  const handle = await open(file, 'r').catch((error: unknown) => {
    throw unreadable(error);
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new InputError([{ message: `plan file ${file} is not a regular file`, hint: 'Pass the file written by `grantsync plan --out`.' }]);
    const buffer = Buffer.alloc(MAX_PLAN_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_PLAN_BYTES) throw new InputError([{ message: `plan file ${file} is larger than ${MAX_PLAN_BYTES / 1024 / 1024} MiB`, hint: 'Pass the file written by `grantsync plan --out`.' }]);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw unreadable(error);
  } finally {
    await handle.close();
  }
}

const MAX_PLAN_BYTES = 64 * 1024 * 1024;
