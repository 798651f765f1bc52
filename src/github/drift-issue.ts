// The drift issue (`plan --drift-issue`, run nightly on main): one open issue per tenant and
// directory while the tenant differs from the grant files, updated on every run that still finds
// drift and closed by the first run that does not. It is found again only by a hidden marker at the
// start of its body AND by being opened by the token's own identity: an issue anyone else opened,
// whatever its title or body, is never edited or closed. The title carries no tenant host (that comes
// from a secret); the body holds the plan, which names it anyway.
import type { Redactor } from '../api/redact.js';
import type { Plan } from '../model/types.js';
import { renderMarkdown } from '../render/markdown.js';
import { githubApi, githubFailure, type GitHubApi, type GitHubContext } from './api.js';
import { githubContext } from './comment.js';
import { tokenIdentity, writtenBy, type TokenIdentity } from './identity.js';

/** GitHub refuses issue bodies over 65,536 characters. */
export const ISSUE_BODY_LIMIT = 65_536;

/** Pages of open issues read to find ours (100 each): repositories with more open issues are unusual. */
const MAX_PAGES = 50;

export function driftMarker(tenant: string, dir: string): string {
  return `<!-- grantsync-drift tenant=${tenant} dir=${dir} -->`;
}

export function driftTitle(dir: string): string {
  return `grantsync: the tenant differs from the grant files in ${dir}`;
}

export interface DriftReport {
  marker: string;
  title: string;
  /** True when the plan has changes. */
  drifted: boolean;
  /** The issue body after the marker (only read when drifted). */
  body: string;
  /** The comment that closes the issue once the tenant matches again. */
  resolvedComment: string;
}

export interface DriftResult {
  action: 'opened' | 'updated' | 'closed' | 'none';
  number?: number;
  url?: string;
  identity: TokenIdentity;
  /** Open issues carrying the marker that someone else opened, left alone. */
  ignored: number;
}

/** `plan --drift-issue`: brings the issue in line with the plan and says on stderr what it did. */
export async function publishDriftIssue(
  plan: Plan,
  tenant: string,
  options: { dir: string; quiet: boolean },
  env: Record<string, string | undefined>,
  log: (text: string) => void,
  redactor: Redactor,
): Promise<void> {
  const context = githubContext(env, { option: '--drift-issue', permission: 'issues: write' });
  redactor.add(context.token);
  const report = driftReport(plan, tenant, options.dir, runUrl(env));
  const redacted = { ...report, body: redactor.redact(report.body), resolvedComment: redactor.redact(report.resolvedComment) };
  const result = await syncDriftIssue(context, redacted).catch((error: unknown) => {
    throw githubFailure(error, 'could not update the drift issue', 'issues: write', (text) => redactor.redact(text));
  });
  if (result.ignored > 0) log(`Left alone ${result.ignored} open issue(s) with the drift marker that ${result.identity.login} did not open.\n`);
  if (options.quiet) return;
  const what = { opened: 'Opened the drift issue', updated: 'Updated the drift issue', closed: 'Closed the drift issue', none: 'No drift, and no open drift issue to close' }[result.action];
  log(`${what}${result.number ? ` #${result.number}` : ''}${result.url ? `: ${result.url}` : ''}.\n`);
}

function runUrl(env: Record<string, string | undefined>): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = env;
  return server && repo && run ? `${server}/${repo}/actions/runs/${run}` : undefined;
}

/** The issue for this plan: its body is the plan in markdown, cut to fit, with a link to the run. */
export function driftReport(plan: Plan, tenant: string, dir: string, runUrl: string | undefined): DriftReport {
  const marker = driftMarker(tenant, dir);
  const head =
    `The scheduled drift check found grants in the tenant that differ from the grant files in \`${dir}\` (changed outside git). ` +
    'Merge a change to the files, or re-run the apply workflow to restore what they say.\n\n';
  const foot = runUrl ? `\n\nRun: ${runUrl}\n` : '\n';
  const markdown = renderMarkdown(plan, {
    maxLength: ISSUE_BODY_LIMIT - marker.length - head.length - foot.length - 1,
    truncatedPointer: 'The whole plan is in the job summary and the log of the run.',
  });
  return {
    marker,
    title: driftTitle(dir),
    drifted: plan.changes.length > 0,
    body: `${head}${markdown}${foot}`,
    resolvedComment: `The tenant matches the grant files in \`${dir}\` again${runUrl ? ` (${runUrl})` : ''}.`,
  };
}

interface GitHubIssue {
  number: number;
  body?: string | null;
  html_url?: string;
  user?: { login?: string } | null;
  pull_request?: unknown;
}

export async function syncDriftIssue(context: GitHubContext, report: DriftReport): Promise<DriftResult> {
  const api = githubApi(context);
  const identity = await tokenIdentity(api);
  const base = `repos/${context.repository}/issues`;
  const { ours, ignored } = await findDriftIssue(api, base, report.marker, identity);
  const text = `${report.marker}\n${report.body}`;
  if (report.drifted && ours) {
    const updated = await api.request<GitHubIssue>('PATCH', `${base}/${ours.number}`, { json: { body: text } });
    return { action: 'updated', number: ours.number, url: updated.html_url, identity, ignored };
  }
  if (report.drifted) {
    const created = await api.request<GitHubIssue>('POST', base, { json: { title: report.title, body: text } });
    return { action: 'opened', number: created.number, url: created.html_url, identity, ignored };
  }
  if (ours) {
    await api.request('POST', `${base}/${ours.number}/comments`, { json: { body: report.resolvedComment } });
    const closed = await api.request<GitHubIssue>('PATCH', `${base}/${ours.number}`, { json: { state: 'closed', state_reason: 'completed' } });
    return { action: 'closed', number: ours.number, url: closed.html_url, identity, ignored };
  }
  return { action: 'none', identity, ignored };
}

/** The oldest open issue (not a pull request) that this identity opened with the marker first in its body. */
async function findDriftIssue(api: GitHubApi, base: string, marker: string, identity: TokenIdentity): Promise<{ ours?: GitHubIssue; ignored: number }> {
  let ignored = 0;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const issues = await api.request<GitHubIssue[]>('GET', base, {
      searchParams: { state: 'open', sort: 'created', direction: 'asc', per_page: 100, page },
    });
    const marked = issues.filter((i) => i.pull_request === undefined && (i.body ?? '').startsWith(marker));
    const ours = marked.find((i) => writtenBy(i, identity));
    ignored += marked.filter((i) => !writtenBy(i, identity)).length;
    if (ours) return { ours, ignored };
    if (issues.length < 100) break;
  }
  return { ignored };
}
