// What a run inside GitHub Actions adds: the job summary, step outputs and annotations (`::error` for
// bad input, `::warning`/`::notice` for the least-privilege checks).
// @actions/core writes the summary and output files (it reads GITHUB_STEP_SUMMARY/GITHUB_OUTPUT
// itself); annotations are written through the CLI's stdout, escaped by render/escape.ts. Every
// text is redacted here, whatever the caller did: these are outputs like stdout.
import * as core from '@actions/core';
import { RISK_CLASSES } from '../model/review.js';
import type { ExpiringEntry, Plan, Problem } from '../model/types.js';
import { problemAnnotation } from '../render/problems.js';
import { workflowCommand } from '../util/escape.js';

/** Where annotations go (stdout) and the redactor every output shares: the CLI's Io fits. */
export interface ActionsOutput {
  command(line: string): void;
  redact(text: string): string;
}

export async function publishPlanToActions(plan: Plan, markdown: string, io: ActionsOutput, options: { annotate: boolean }): Promise<void> {
  // Least-privilege findings at their YAML lines: `::warning`, and `::notice` for unheld scopes.
  if (options.annotate) for (const finding of plan.lint ?? []) io.command(annotation(finding));
  // "expires in N days" on the YAML line, in the pull request's Files view.
  if (options.annotate) for (const entry of plan.expiring ?? []) io.command(expiringAnnotation(entry));
  setOutputs(io, {
    has_changes: plan.changes.length > 0 ? 'true' : 'false',
    create: String(plan.summary.create),
    update: String(plan.summary.update),
    delete: String(plan.summary.delete),
    replace: String(plan.summary.replace),
    ...riskOutputs(plan),
    // What apply will do with this plan: refuse it (and why), under which deletion budget.
    refused: (plan.refusals ?? []).length > 0 ? 'true' : 'false',
    refusals: (plan.refusals ?? []).map((r) => `${r.reason}. ${r.advice}`).join('\n'),
    max_deletes: plan.budget ? String(plan.budget.maxDeletes) : '',
  });
  await writeSummary(markdown, io);
}

function expiringAnnotation(e: ExpiringEntry): string {
  const what = e.scope === null ? 'this grant' : `scope ${e.scope}`;
  const message = `${what} expires in ${e.days} day${e.days === 1 ? '' : 's'} (${e.expires}); from that day grantsync removes it`;
  return workflowCommand('warning', { title: 'grantsync', file: e.location.file, line: e.location.line, col: e.location.column }, message);
}

/** `risk_<class>` (dashes as underscores) with the count of each risk class, and `risks` in all: a workflow can require another reviewer. */
function riskOutputs(plan: Plan): Record<string, string> {
  const risks = plan.review?.risks ?? [];
  const outputs: Record<string, string> = { risks: String(risks.length) };
  for (const risk of RISK_CLASSES) outputs[`risk_${risk.replace(/-/g, '_')}`] = String(risks.filter((r) => r.class === risk).length);
  return outputs;
}

export async function publishProblemsToActions(problems: readonly Problem[], markdown: string, io: ActionsOutput): Promise<void> {
  for (const problem of problems) io.command(annotation(problem));
  setOutputs(io, { has_changes: 'false' });
  await writeSummary(markdown, io);
}

/** `::error title=grantsync,file=…,line=…,col=…::message. hint` (`::warning`, `::notice` by severity): see render/problems.ts. */
export function annotation(problem: Problem): string {
  return problemAnnotation(problem);
}

function setOutputs(io: ActionsOutput, outputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, io.redact(value));
}

async function writeSummary(markdown: string, io: ActionsOutput): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(io.redact(markdown), true).write();
}
