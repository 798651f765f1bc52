// Where a plan goes besides stdout: the GitHub job summary, step outputs, annotations and the PR comment.
// The same redactor as stdout and stderr guards each of them: values are redacted before they are
// rendered (escaping could hide a secret from it) and every text again before it leaves.
import { parseDomain } from '../api/domain.js';
import type { Redactor } from '../api/redact.js';
import { githubFailure } from '../github/api.js';
import { budgetLine, digestLine } from '../github/approved-plan.js';
import { commentMarker, githubContext, pullRequestNumber, upsertComment } from '../github/comment.js';
import type { Plan, Problem } from '../model/types.js';
import { visible } from '../util/escape.js';
import { GITHUB_COMMENT_LIMIT, renderMarkdown, renderProblemsMarkdown } from '../render/markdown.js';
import type { Env } from './environment.js';
import type { Io } from './io.js';

export interface PublishOptions {
  dir: string;
  comment: boolean;
  /** Open, update or close the drift issue (see src/github/drift-issue.ts). */
  driftIssue?: boolean;
  quiet: boolean;
  /** With `json`, stdout is one JSON document: the least-privilege findings are not annotated there (the JSON has them). */
  format?: string;
}

export async function publishPlan(unsafePlan: Plan, options: PublishOptions, env: Env, io: Io, redactor: Redactor): Promise<void> {
  const plan = redactor.redactValues(unsafePlan);
  if (inGitHubActions(env)) await (await import('../github/actions.js')).publishPlanToActions(plan, renderMarkdown(plan), io, { annotate: options.format !== 'json' });
  if (options.comment) {
    const marker = commentMarker(hostOf(env), options.dir);
    // The digest line comes first, so a cut plan still records what was approved (src/github/approved-plan.ts).
    const budget = plan.budget?.source === 'label' ? `${budgetLine(plan.budget.maxDeletes)}\n` : '';
    const digest = `${budget}${digestLine(plan.digest)}`;
    const body = renderMarkdown(plan, {
      maxLength: GITHUB_COMMENT_LIMIT - marker.length - digest.length - 2,
      truncatedPointer: 'The whole plan is in the job summary of this run.',
    });
    await comment(marker, `${digest}\n${body}`, options, env, io, redactor);
  }
  if (options.driftIssue) await (await import('../github/drift-issue.js')).publishDriftIssue(plan, hostOf(env), options, env, (text) => io.err(text), redactor);
}

export async function publishProblems(unsafeProblems: readonly Problem[], options: PublishOptions, env: Env, io: Io, redactor: Redactor): Promise<void> {
  const problems = redactor.redactValues(unsafeProblems);
  const markdown = renderProblemsMarkdown(problems, hostOf(env));
  if (inGitHubActions(env)) await (await import('../github/actions.js')).publishProblemsToActions(problems, markdown, io);
  if (options.comment) await comment(commentMarker(hostOf(env), options.dir), cut(markdown), options, env, io, redactor);
}

async function comment(marker: string, body: string, options: PublishOptions, env: Env, io: Io, redactor: Redactor): Promise<void> {
  const context = githubContext(env);
  redactor.add(context.token);
  const number = await pullRequestNumber(context.eventPath);
  const result = await upsertComment(context, number, redactor.redact(marker), redactor.redact(body)).catch((error: unknown) => {
    throw githubFailure(error, `could not post the plan comment on pull request #${number}`, 'pull-requests: write', (text) => redactor.redact(text));
  });
  if (result.ignored > 0) io.err(`Left alone ${result.ignored} comment(s) with the plan marker that ${visible(result.identity.login)} did not write.\n`);
  if (!options.quiet) io.err(`${result.action === 'created' ? 'Posted' : 'Updated'} the plan comment on pull request #${number}${result.url ? `: ${visible(result.url)}` : ''}.\n`);
}

/** @actions/core is loaded only inside GitHub Actions. */
function inGitHubActions(env: Env): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

function hostOf(env: Env): string {
  try {
    return parseDomain(env.AUTH0_DOMAIN).host;
  } catch {
    return 'unknown tenant';
  }
}

function cut(markdown: string): string {
  return markdown.length <= GITHUB_COMMENT_LIMIT - 200 ? markdown : `${markdown.slice(0, GITHUB_COMMENT_LIMIT - 400)}\n\n… (cut; see the job log)\n`;
}
