// The sticky PR comment: one comment per tenant and directory, found again by a hidden marker and
// written by the token's own identity, updated in place.
import { InputError } from '../errors.js';
import { githubApi, type GitHubContext } from './api.js';
import { readEvent } from './event.js';
import { tokenIdentity, writtenBy, type TokenIdentity } from './identity.js';

export type { GitHubContext } from './api.js';

export function githubContext(env: Record<string, string | undefined>, use = { option: '--comment', permission: 'pull-requests: write' }): GitHubContext {
  const missing = ['GITHUB_TOKEN', 'GITHUB_REPOSITORY'].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new InputError([
      {
        message: `${use.option} needs ${missing.join(' and ')} in the environment`,
        hint: `In a workflow, pass \`GITHUB_TOKEN: \${{ github.token }}\` and grant \`${use.permission}\`.`,
      },
    ]);
  }
  return {
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    graphqlUrl: env.GITHUB_GRAPHQL_URL || undefined,
    token: env.GITHUB_TOKEN!,
    repository: env.GITHUB_REPOSITORY!,
    eventPath: env.GITHUB_EVENT_PATH,
    login: env.GRANTSYNC_GITHUB_LOGIN || undefined,
  };
}

/** The hidden line that identifies our comment for this tenant and directory. */
export function commentMarker(tenant: string, dir: string): string {
  return `<!-- grantsync-plan tenant=${tenant} dir=${dir} -->`;
}

export async function pullRequestNumber(eventPath: string | undefined): Promise<number> {
  const event = eventPath ? await readEvent(eventPath) : {};
  const number = event.pull_request?.number ?? event.number;
  if (typeof number !== 'number') {
    throw new InputError([{ message: '--comment runs only for pull_request events (no pull request number in GITHUB_EVENT_PATH)', hint: 'Drop --comment outside pull requests.' }]);
  }
  return number;
}

export interface UpsertResult {
  action: 'created' | 'updated';
  id: number;
  url?: string;
  /** Who the token writes as: the only author whose marked comment is edited. */
  identity: TokenIdentity;
  /** Comments carrying the marker that someone else wrote, left alone. */
  ignored: number;
}

export async function upsertComment(context: GitHubContext, issue: number, marker: string, body: string): Promise<UpsertResult> {
  const api = githubApi(context);
  const identity = await tokenIdentity(api);
  const base = `repos/${context.repository}/issues`;
  const text = `${marker}\n${body}`;
  let ignored = 0;
  for (let page = 1; page < 100; page++) {
    const comments = await api.request<GitHubComment[]>('GET', `${base}/${issue}/comments`, { searchParams: { per_page: 100, page } });
    const marked = comments.filter((c) => c.body?.startsWith(marker));
    // Anyone can paste the marker into a comment: only one this token wrote is ours to edit.
    const ours = marked.find((c) => writtenBy(c, identity));
    ignored += marked.filter((c) => !writtenBy(c, identity)).length;
    if (ours) {
      const updated = await api.request<{ html_url?: string }>('PATCH', `${base}/comments/${ours.id}`, { json: { body: text } });
      return { action: 'updated', id: ours.id, url: updated.html_url, identity, ignored };
    }
    if (comments.length < 100) break;
  }
  const comment = await api.request<{ id: number; html_url?: string }>('POST', `${base}/${issue}/comments`, { json: { body: text } });
  return { action: 'created', id: comment.id, url: comment.html_url, identity, ignored };
}

interface GitHubComment {
  id: number;
  body?: string;
  user?: { login?: string } | null;
}
