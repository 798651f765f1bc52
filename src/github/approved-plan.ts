// Merge applies what was reviewed. The plan job writes the change-set digest of the plan it shows
// into its sticky PR comment, on a hidden line of its own that truncation never cuts. On the push
// that merges the pull request, apply finds that pull request (GET /repos/{o}/{r}/commits/{sha}/pulls,
// read-only), takes the digest from the last plan comment the token's own identity wrote on it, and
// applies only that change set. When today's plan differs, the new plan is posted to the pull request
// under another marker, so a refused plan can never pass for an approved one.
import { githubApi, type GitHubApi, type GitHubContext } from './api.js';
import { tokenIdentity, writtenBy, type TokenIdentity } from './identity.js';

const DIGEST_LINE = /^<!-- grantsync-digest (sha256:[0-9a-f]{64}) -->$/m;

/** The hidden line of the plan comment that records the change set it shows. */
export function digestLine(digest: string): string {
  return `<!-- grantsync-digest ${digest} -->`;
}

/** The digest recorded in a plan comment, if it holds one (a comment showing only problems does not). */
export function digestOf(body: string): string | undefined {
  return DIGEST_LINE.exec(body)?.[1];
}

const BUDGET_LINE = /^<!-- grantsync-max-deletes (\d{1,6}) -->$/m;

/**
 * The hidden line of the plan comment that records a deletion budget raised by the pull request's
 * label: apply on merge uses that budget only when the comment reviewers saw records it.
 */
export function budgetLine(maxDeletes: number): string {
  return `<!-- grantsync-max-deletes ${maxDeletes} -->`;
}

/** The label budget recorded in a plan comment, if any. */
export function recordedBudgetOf(body: string): number | undefined {
  const match = BUDGET_LINE.exec(body);
  return match ? Number(match[1]) : undefined;
}

/** The marker of the comment that says the plan changed after approval: never the plan marker. */
export function changedPlanMarker(tenant: string, dir: string): string {
  return `<!-- grantsync-plan-changed tenant=${tenant} dir=${dir} -->`;
}

export interface PullRequestRef {
  number: number;
  url?: string;
  /** The names of its labels, as the API listed them with the pull request. */
  labels?: string[];
}

export type Approval =
  | { kind: 'approved'; pullRequest: PullRequestRef; digest: string; identity: TokenIdentity; /** A label budget the comment records. */ budget?: number }
  | { kind: 'no-pull-request'; sha: string }
  | { kind: 'no-plan'; pullRequest: PullRequestRef; identity: TokenIdentity; why: string };

interface GitHubPull {
  number: number;
  html_url?: string;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  labels?: { name?: unknown }[] | null;
}

interface GitHubComment {
  id: number;
  body?: string;
  user?: { login?: string } | null;
}

/**
 * The merged pull request whose merge produced `sha`: among the merged pull requests GitHub associates
 * with the commit, the one whose merge commit it is, else the one merged last.
 */
export async function mergedPullRequest(api: GitHubApi, sha: string): Promise<PullRequestRef | undefined> {
  const pulls = await api.request<GitHubPull[]>('GET', `repos/${api.context.repository}/commits/${encodeURIComponent(sha)}/pulls`, { searchParams: { per_page: 100 } });
  const merged = pulls.filter((p) => typeof p.merged_at === 'string' && p.merged_at !== '');
  const pull = merged.find((p) => p.merge_commit_sha === sha) ?? merged.sort((a, b) => String(b.merged_at).localeCompare(String(a.merged_at)))[0];
  if (!pull) return undefined;
  const labels = (pull.labels ?? []).map((l) => l.name).filter((n): n is string => typeof n === 'string');
  return { number: pull.number, ...(pull.html_url ? { url: pull.html_url } : {}), labels };
}

/** What the reviewers of the commit's pull request approved, read from the plan comment on it. */
export async function approvedPlan(context: GitHubContext, sha: string, marker: string): Promise<Approval> {
  const api = githubApi(context);
  const pullRequest = await mergedPullRequest(api, sha);
  if (!pullRequest) return { kind: 'no-pull-request', sha };
  const identity = await tokenIdentity(api);
  const comment = await lastOwnComment(api, pullRequest.number, marker, identity);
  if (!comment) return { kind: 'no-plan', pullRequest, identity, why: `it has no plan comment by ${identity.login} for this tenant and directory` };
  const digest = digestOf(comment.body ?? '');
  if (!digest) return { kind: 'no-plan', pullRequest, identity, why: 'its plan comment shows no plan (the grant files had problems)' };
  const budget = recordedBudgetOf(comment.body ?? '');
  return { kind: 'approved', pullRequest, digest, identity, ...(budget !== undefined ? { budget } : {}) };
}

/** The last comment on the pull request that starts with the marker and that this identity wrote. */
async function lastOwnComment(api: GitHubApi, issue: number, marker: string, identity: TokenIdentity): Promise<GitHubComment | undefined> {
  let last: GitHubComment | undefined;
  for (let page = 1; page < 100; page++) {
    const comments = await api.request<GitHubComment[]>('GET', `repos/${api.context.repository}/issues/${issue}/comments`, { searchParams: { per_page: 100, page } });
    for (const c of comments) if ((c.body ?? '').startsWith(marker) && writtenBy(c, identity)) last = c;
    if (comments.length < 100) break;
  }
  return last;
}

/** Posts the plan that apply refused to the pull request that approved another one. */
export async function postChangedPlan(context: GitHubContext, pullRequest: number, marker: string, body: string): Promise<string | undefined> {
  const api = githubApi(context);
  const comment = await api.request<{ html_url?: string }>('POST', `repos/${context.repository}/issues/${pullRequest}/comments`, { json: { body: `${marker}\n${body}` } });
  return comment.html_url;
}
