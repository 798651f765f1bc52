// What a run inside GitHub Actions adds: the job summary, step outputs and `::error` annotations.
// @actions/core does the file formats and the escaping (it reads GITHUB_STEP_SUMMARY/GITHUB_OUTPUT itself).
import * as core from '@actions/core';
import type { Plan, Problem } from '../model/types.js';

export async function publishPlanToActions(plan: Plan, markdown: string): Promise<void> {
  core.setOutput('has_changes', plan.changes.length > 0 ? 'true' : 'false');
  core.setOutput('create', String(plan.summary.create));
  core.setOutput('update', String(plan.summary.update));
  core.setOutput('delete', String(plan.summary.delete));
  core.setOutput('replace', String(plan.summary.replace));
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
}

export async function publishProblemsToActions(problems: readonly Problem[], markdown: string): Promise<void> {
  for (const problem of problems) {
    const message = problem.hint ? `${problem.message}. ${problem.hint}` : problem.message;
    if (problem.location) {
      core.error(message, { file: problem.location.file, startLine: problem.location.line, startColumn: problem.location.column, title: 'grantsync' });
    } else {
      core.error(message, { title: 'grantsync' });
    }
  }
  core.setOutput('has_changes', 'false');
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
}
