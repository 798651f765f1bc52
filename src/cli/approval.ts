// `apply --expect-from-pr`: the change set to expect comes from the plan comment on the pull request
// that the pushed commit merged (src/github/approved-plan.ts). A run with no such pull request (a
// direct push, workflow_dispatch) applies only with --allow-unreviewed; a pull request without a plan
// comment never applies. When today's plan differs, it is posted to the pull request.
import type { Redactor } from '../api/redact.js';
import { GitHubError, InputError, RefusedError } from '../errors.js';
import { approvedPlan, changedPlanMarker, postChangedPlan, type PullRequestRef } from '../github/approved-plan.js';
import { commentMarker, githubContext } from '../github/comment.js';
import type { Plan } from '../model/types.js';
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from '../render/markdown.js';
import type { Env } from './environment.js';
import type { Io } from './io.js';

export interface ReviewedPlan {
  /** The approved change set; undefined only when --allow-unreviewed let an unreviewed run go ahead. */
  digest?: string;
  pullRequest?: PullRequestRef;
  /** A deletion budget the approved plan comment records (from the pull request's label). */
  budget?: number;
}

const USE = { option: '--expect-from-pr', permission: 'pull-requests: write' };

export async function reviewedPlan(opts: { host: string; dir: string; allowUnreviewed: boolean }, env: Env, io: Io, redactor: Redactor): Promise<ReviewedPlan> {
  const context = githubContext(env, USE);
  redactor.add(context.token);
  const unreviewed = (why: string): ReviewedPlan => {
    if (!opts.allowUnreviewed) {
      throw new RefusedError(`${why}, so there is no reviewed plan to hold this apply to; nothing was changed. Pass --allow-unreviewed (the action's \`allow-unreviewed: true\`) to apply the grant files as they are.`);
    }
    io.err(`warning: ${why}; applying without a reviewed plan (--allow-unreviewed).\n`);
    return {};
  };
  const event = env.GITHUB_EVENT_NAME;
  if (event && event !== 'push') return unreviewed(`this run was started by ${event}, not by the push of a merge`);
  const sha = env.GITHUB_SHA?.trim();
  if (!sha) throw new InputError([{ message: '--expect-from-pr needs GITHUB_SHA (the pushed commit)', hint: 'Run it in the workflow triggered by the push to the default branch.' }]);
  const approval = await approvedPlan(context, sha, commentMarker(opts.host, opts.dir)).catch((error: unknown) => {
    throw new GitHubError(redactor.redact(`could not read the pull request of commit ${sha}: ${(error as Error).message}`), { cause: error });
  });
  if (approval.kind === 'no-pull-request') return unreviewed(`commit ${sha} is not the merge of a pull request`);
  if (approval.kind === 'no-plan') {
    throw new RefusedError(`pull request #${approval.pullRequest.number} merged commit ${sha}, but ${approval.why}; nothing was changed. Re-run the plan job on the pull request, or apply by hand after reviewing a plan.`);
  }
  io.err(`Applying the change set approved on pull request #${approval.pullRequest.number}: ${approval.digest}.\n`);
  return { digest: approval.digest, pullRequest: approval.pullRequest, ...(approval.budget !== undefined ? { budget: approval.budget } : {}) };
}

/** Tells the pull request that approved another plan what the plan is now; never fails the run twice. */
export async function reportChangedPlan(plan: Plan, reviewed: ReviewedPlan, opts: { host: string; dir: string }, env: Env, io: Io, redactor: Redactor): Promise<void> {
  if (!reviewed.pullRequest || !reviewed.digest) return;
  const marker = changedPlanMarker(opts.host, opts.dir);
  const head =
    `**The plan changed since it was approved**: nothing was applied. The approved change set was \`${reviewed.digest}\`, today's is \`${plan.digest}\` ` +
    '(the tenant changed, or another pull request was merged first). Review the plan below and apply it with a new pull request, or by re-running the apply workflow with `allow-unreviewed`.\n\n';
  const body = head + renderMarkdown(plan, { maxLength: GITHUB_COMMENT_LIMIT - marker.length - head.length - 1, truncatedPointer: 'The whole plan is in the job summary of this run.' });
  const number = reviewed.pullRequest.number;
  try {
    const url = await postChangedPlan(githubContext(env, USE), number, marker, body);
    io.err(`Posted the new plan to pull request #${number}${url ? `: ${url}` : ''}.\n`);
  } catch (error) {
    io.err(redactor.redact(`warning: could not post the new plan to pull request #${number}: ${(error as Error).message}\n`));
  }
}
