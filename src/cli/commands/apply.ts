// `grantsync apply`: plan (or read a saved plan), pass the guards, write, re-read, verify.
import { readFile } from 'node:fs/promises';
import type { Redactor } from '../../api/redact.js';
import type { Outcome } from '../../apply/apply.js';
import { diffGrants } from '../../diff/diff.js';
import type { VerifyReads } from '../../apply/verify-reads.js';
import { applyAndVerify, checkGuards, systemAudiences } from '../../engine.js';
import { InputError, NotConvergedError, RefusedError } from '../../errors.js';
import type { Change, DesiredGrant, LiveGrant, Ownership, Plan } from '../../model/types.js';
import { fingerprintGrants } from '../../plan/plan.js';
import { parseSavedPlan, savedChanges, savedDesired } from '../../plan/saved.js';
import { safeJson, visible } from '../../render/escape.js';
import { toJsonPlan } from '../../render/json.js';
import { clientLabel } from '../../render/words.js';
import type { Env } from '../environment.js';
import { EXIT_OK } from '../exit.js';
import type { Io } from '../io.js';
import { publishPlan, publishProblems } from '../publish.js';
import { openSession, planDirectory, type CommonOptions, type Session } from '../session.js';
import { renderPlan, type Format } from './plan.js';

export interface ApplyOptions extends CommonOptions {
  format: Format;
  plan?: string;
  maxDeletes?: number;
}

interface Work {
  plan?: Plan;
  changes: Change[];
  live: LiveGrant[];
  /** Every grant read before the apply, managed or not. */
  snapshot: LiveGrant[];
  desired: DesiredGrant[];
  ownership: Ownership;
  maxDeletes: number;
  systemAudiences: Set<string>;
}

export async function applyCommand(options: ApplyOptions, env: Env, io: Io, redactor: Redactor, signal?: AbortSignal): Promise<number> {
  const session = openSession(env, io, redactor, options);
  const publishing = { dir: options.dir, comment: false, quiet: options.quiet };
  let work: Work;
  try {
    work = options.plan ? await fromSavedPlan(session, options.plan) : await fromDirectory(session, io, options, env);
  } catch (error) {
    if (error instanceof InputError) await publishProblems(error.problems, publishing, env, io, redactor);
    throw error;
  }
  if (work.plan && options.format !== 'json') io.out(renderPlan(work.plan, options.format, env, io));
  if (work.plan) await publishPlan(work.plan, publishing, env, io, redactor);

  checkGuards(work.changes, {
    maxDeletes: options.maxDeletes ?? work.maxDeletes,
    ownClientKnown: work.ownership.ownClientId !== undefined,
    systemAudiences: work.systemAudiences,
  });
  if (work.changes.length === 0) {
    if (options.format === 'json') io.out(`${safeJson(JSON.stringify({ plan: work.plan ? toJsonPlan(work.plan) : null, outcomes: [], converged: true }, null, 2))}\n`);
    else io.out('Nothing to apply.\n');
    return EXIT_OK;
  }

  if (options.format !== 'json') io.out(`\nApplying ${work.changes.length} change${work.changes.length === 1 ? '' : 's'}…\n`);
  const result = await applyAndVerify(session.client, work.changes, {
    live: work.live,
    snapshot: work.snapshot,
    desired: work.desired,
    ownership: work.ownership,
    signal,
    concurrency: options.concurrency,
    onOutcome: (outcome, done, total) => {
      session.progress.change(done, total);
      if (options.format !== 'json' && !options.quiet) session.progress.around(() => io.out(`${formatOutcome(outcome)}\n`));
    },
    onVerify: (reads) => {
      if (options.verbose) session.progress.around(() => io.err(`${describeVerifyReads(reads)}\n`));
    },
  });
  session.progress.done();
  const failed = result.outcomes.filter((o) => o.status === 'failed');
  const skipped = result.outcomes.filter((o) => o.status === 'skipped');
  const converged = result.remaining?.length === 0;
  const remainingText = result.remaining
    ? `Not converged: ${result.remaining.length} difference(s) remain after re-reading the tenant.`
    : `Not verified: re-reading the tenant failed (${visible(String(result.verifyError))}).`;
  if (options.format === 'json') {
    io.out(
      `${safeJson(JSON.stringify(
        {
          plan: work.plan ? toJsonPlan(work.plan) : null,
          outcomes: result.outcomes.map((o) => ({
            action: o.change.action,
            client_id: o.change.client_id,
            audience: o.change.audience,
            subject_type: o.change.subject_type,
            status: o.status,
            ...(o.note ? { note: o.note } : {}),
            ...(o.error ? { error: o.error } : {}),
          })),
          converged,
          remaining: result.remaining?.length ?? null,
        },
        null,
        2,
      ))}\n`,
    );
  } else {
    const appliedCount = result.outcomes.length - failed.length - skipped.length;
    io.out(`\nApplied ${appliedCount} of ${result.outcomes.length} changes${failed.length ? `, ${failed.length} failed` : ''}${skipped.length ? `, ${skipped.length} not started (interrupted)` : ''}.\n`);
    io.out(converged ? 'Verified: the tenant now matches the YAML.\n' : `${remainingText}\n`);
  }
  // With --quiet the per-change lines were not printed: failures still are, on stderr.
  if (options.quiet && options.format !== 'json') for (const outcome of failed) io.err(`${formatOutcome(outcome)}\n`);
  if (failed.length > 0 || skipped.length > 0 || !converged) {
    throw new NotConvergedError(
      `${failed.length ? `${failed.length} change(s) failed. ` : ''}${skipped.length ? `${skipped.length} change(s) were not started. ` : ''}` +
        'Nothing already applied is lost: run apply again to converge.',
    );
  }
  return EXIT_OK;
}

async function fromDirectory(session: Session, io: Io, options: ApplyOptions, env: Env): Promise<Work> {
  const planned = await planDirectory(session, io, options.dir, env);
  return {
    plan: planned.plan,
    changes: planned.plan.changes,
    live: planned.diff.managed,
    snapshot: planned.tenant.grants,
    desired: planned.desired,
    ownership: planned.ownership,
    maxDeletes: planned.state.settings.maxDeletes,
    systemAudiences: systemAudiences(planned.tenant),
  };
}

async function fromSavedPlan(session: Session, file: string): Promise<Work> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new InputError([{ message: `cannot read plan file ${file}`, hint: 'Write one with `grantsync plan --out <file>`.' }]);
  });
  const saved = parseSavedPlan(text, file);
  const host = session.environment.endpoint.host;
  if (saved.host.toLowerCase() !== host.toLowerCase()) {
    throw new RefusedError(`the plan in ${file} was made for ${saved.host}, but AUTH0_DOMAIN points at ${host}; nothing was changed.`);
  }
  const [grants, resourceServers] = await Promise.all([session.client.listGrants(), session.client.listResourceServers()]);
  session.progress.done();
  const desired = savedDesired(saved);
  const diff = diffGrants(desired, grants, saved.ownership);
  if (fingerprintGrants(diff.managed) !== saved.fingerprint) {
    throw new RefusedError(
      `the tenant changed since the plan in ${file} was made (fingerprint differs); nothing was changed. Run plan again and review the new plan.`,
    );
  }
  return {
    changes: savedChanges(saved),
    live: diff.managed,
    snapshot: grants,
    desired,
    ownership: saved.ownership,
    maxDeletes: saved.max_deletes,
    systemAudiences: new Set(resourceServers.filter((rs) => rs.is_system).map((rs) => rs.identifier)),
  };
}

function formatOutcome(outcome: Outcome): string {
  const mark = outcome.status === 'failed' ? '✗' : outcome.status === 'skipped' ? '·' : '✓';
  const change = outcome.change;
  const detail = outcome.error ? `: ${outcome.error}` : outcome.note ? ` (${outcome.note})` : '';
  return `  ${mark} ${change.action.padEnd(7)} ${clientLabel(change)} → ${visible(change.audience + detail)}`;
}

/** For --verbose: how the apply re-reads the tenant, and why that many requests. */
function describeVerifyReads(reads: VerifyReads): string {
  const time = reads.estimateMs < 100 ? 'under 0.1 s' : `about ${(reads.estimateMs / 1000).toFixed(1)} s`;
  const pages = `${reads.pages} page${reads.pages === 1 ? '' : 's'}, ${time}`;
  return reads.by === 'all'
    ? `Verifying: re-reading every grant in one listing (${pages})`
    : `Verifying: re-reading the grants of ${reads.audiences.length} API${reads.audiences.length === 1 ? '' : 's'} side by side (${pages})`;
}
