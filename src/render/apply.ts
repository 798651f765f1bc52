// What `apply` prints, chosen once per run by format (as Terraform's views are): the command asks
// the view what to say and never checks the format itself. Pure.
import { outcomeStatus, type Outcome } from '../model/outcome.js';
import type { VerifyReads } from '../apply/verify-reads.js';
import type { Plan } from '../model/types.js';
import { toJsonPlan } from '../plan/json.js';
import { safeJson, visible } from '../util/escape.js';
import { duration } from './review.js';
import { clientLabel } from './words.js';

export interface ApplyReport {
  plan: Plan;
  outcomes: readonly Outcome[];
  /** Differences left after re-reading the tenant; undefined when the re-read failed. */
  remaining: number | undefined;
  verifyError?: Error;
  /** When the apply finished (ms since the epoch), for the time removals are fully effective. */
  finishedAt: number;
  /** Why apply stopped starting changes (the circuit breaker), when it did. */
  stopped?: string;
}

/** Changes not started are summarised, one line per this many, never one line each. */
export const NOT_STARTED_PER_LINE = 50;

export interface ApplyView {
  /** The plan, before any guard or write; undefined when the format prints it in the report. */
  plan(plan: Plan, render: (plan: Plan) => string): string | undefined;
  nothingToApply(plan: Plan): string;
  starting(count: number): string | undefined;
  /** One line per finished change, or undefined when the format has none. */
  outcome(outcome: Outcome): string | undefined;
  report(report: ApplyReport): string;
  /** Failures again on stderr, for a run whose per-change lines were silenced by --quiet. */
  quietFailures(outcomes: readonly Outcome[]): string | undefined;
}

export function applyView(format: 'text' | 'markdown' | 'json', opts: { quiet: boolean }): ApplyView {
  return format === 'json' ? jsonView : humanView(opts.quiet);
}

function humanView(quiet: boolean): ApplyView {
  return {
    plan: (plan, render) => render(plan),
    nothingToApply: () => 'Nothing to apply.\n',
    starting: (count) => `\nApplying ${count} change${count === 1 ? '' : 's'}…\n`,
    outcome: (outcome) => (quiet || outcome.kind === 'skipped' ? undefined : `${formatOutcome(outcome)}\n`),
    report: (report) => {
      const { failed, skipped } = tally(report.outcomes);
      const applied = report.outcomes.length - failed - skipped;
      const why = report.stopped !== undefined ? `stopped: ${visible(report.stopped)}` : 'interrupted';
      const verdict =
        report.remaining === 0
          ? 'Verified: the tenant now matches the YAML.'
          : report.remaining !== undefined
            ? `Not converged: ${report.remaining} difference(s) remain after re-reading the tenant.`
            : report.stopped !== undefined
              ? 'Not verified: the tenant was not re-read. Nothing already applied is lost; a re-run converges once the Management API is reachable.'
              : `Not verified: re-reading the tenant failed (${visible(String(report.verifyError?.message))}).`;
      const removalsEnd = report.plan.review?.fully_effective_after;
      const revocation =
        removalsEnd !== undefined && applied > 0
          ? `Removed access is fully effective by ${new Date(report.finishedAt + removalsEnd * 1000).toISOString()}: tokens issued before the apply live up to ${duration(removalsEnd)}.\n`
          : '';
      return (
        `\nApplied ${applied} of ${report.outcomes.length} changes${failed ? `, ${failed} failed` : ''}${skipped ? `, ${skipped} not started (${why})` : ''}.\n` +
        notStartedLines(report.outcomes) +
        `${verdict}\n${revocation}`
      );
    },
    quietFailures: (outcomes) => {
      if (!quiet) return undefined;
      const lines = outcomes.filter((o) => o.kind === 'failed').map((o) => `${formatOutcome(o)}\n`);
      return lines.length > 0 ? lines.join('') : undefined;
    },
  };
}

const jsonView: ApplyView = {
  plan: () => undefined,
  nothingToApply: (plan) => `${safeJson(JSON.stringify({ plan: toJsonPlan(plan), outcomes: [], converged: true }, null, 2))}\n`,
  starting: () => undefined,
  outcome: () => undefined,
  report: (report) =>
    `${safeJson(JSON.stringify(
      {
        plan: toJsonPlan(report.plan),
        outcomes: report.outcomes.map((o) => ({
          action: o.change.action,
          client_id: o.change.client_id,
          audience: o.change.audience,
          subject_type: o.change.subject_type,
          status: outcomeStatus(o),
          kind: o.kind,
          ...(o.kind !== 'failed' && o.note ? { note: o.note } : {}),
          ...(o.kind === 'failed' ? { error: o.error.message } : {}),
        })),
        converged: report.remaining === 0,
        remaining: report.remaining ?? null,
        stopped: report.stopped ?? null,
      },
      null,
      2,
    ))}\n`,
  quietFailures: () => undefined,
};

/** One line per NOT_STARTED_PER_LINE changes not started: how many, by action. */
export function notStartedLines(outcomes: readonly Outcome[]): string {
  const skipped = outcomes.filter((o) => o.kind === 'skipped');
  let text = '';
  for (let i = 0; i < skipped.length; i += NOT_STARTED_PER_LINE) {
    const chunk = skipped.slice(i, i + NOT_STARTED_PER_LINE);
    const counts = new Map<string, number>();
    for (const o of chunk) counts.set(o.change.action, (counts.get(o.change.action) ?? 0) + 1);
    const parts = [...counts].map(([action, n]) => `${n} ${action}`).join(', ');
    text += `  · not started: ${chunk.length} change${chunk.length === 1 ? '' : 's'} (${parts})\n`;
  }
  return text;
}

export function tally(outcomes: readonly Outcome[]): { failed: number; skipped: number } {
  let failed = 0;
  let skipped = 0;
  for (const o of outcomes) {
    if (o.kind === 'failed') failed++;
    else if (o.kind === 'skipped') skipped++;
  }
  return { failed, skipped };
}

export function formatOutcome(outcome: Outcome): string {
  const mark = outcome.kind === 'failed' ? '✗' : outcome.kind === 'skipped' ? '·' : '✓';
  const change = outcome.change;
  const detail = outcome.kind === 'failed' ? `: ${outcome.error.message}` : outcome.note ? ` (${outcome.note})` : '';
  return `  ${mark} ${change.action.padEnd(7)} ${clientLabel(change)} → ${visible(change.audience + detail)}`;
}

/** For --verbose: how the apply re-reads the tenant, and why that many requests. */
export function describeVerifyReads(reads: VerifyReads): string {
  const time = reads.estimateMs < 100 ? 'under 0.1 s' : `about ${(reads.estimateMs / 1000).toFixed(1)} s`;
  const pages = `${reads.pages} page${reads.pages === 1 ? '' : 's'}, ${time}`;
  return reads.by === 'all'
    ? `Verifying: re-reading every grant in one listing (${pages})`
    : `Verifying: re-reading the grants of ${reads.audiences.length} API${reads.audiences.length === 1 ? '' : 's'} side by side (${pages})`;
}
