// Who the GitHub token writes as. The PR comment and the drift issue are found again by a hidden
// marker, which anyone can copy into a comment or issue of their own: only what this identity
// wrote is ever edited or closed.
//
// How the login is determined, in order:
//   1. GRANTSYNC_GITHUB_LOGIN, when set (no request);
//   2. GET /user, which answers for personal access tokens and user-to-server tokens;
//   3. when GET /user answers 403 "Resource not accessible by integration" (an installation token:
//      the workflow's GITHUB_TOKEN, or a GitHub App's), the GraphQL `viewer`, which names the app's
//      bot user (`github-actions[bot]` for GITHUB_TOKEN, `<app-slug>[bot]` for another app);
//   4. when that fails too, `github-actions[bot]`, the identity of the default GITHUB_TOKEN.
// A wrong guess in step 4 can only make grantsync post a new comment instead of editing its own.
import { HTTPError } from 'got';
import { GitHubError } from '../errors.js';
import { graphqlUrl, type GitHubApi } from './api.js';

export const ACTIONS_BOT = 'github-actions[bot]';

export interface TokenIdentity {
  login: string;
  /** How it was found, for messages. */
  source: 'GRANTSYNC_GITHUB_LOGIN' | 'GET /user' | 'GraphQL viewer' | 'assumed';
}

export async function tokenIdentity(api: GitHubApi): Promise<TokenIdentity> {
  const override = api.context.login?.trim();
  if (override) return { login: override, source: 'GRANTSYNC_GITHUB_LOGIN' };
  try {
    const user = await api.request<{ login?: unknown }>('GET', 'user');
    if (typeof user.login === 'string' && user.login) return { login: user.login, source: 'GET /user' };
    throw new GitHubError('GET /user answered without a login');
  } catch (error) {
    if (!isIntegrationRefusal(error)) throw error;
  }
  const viewer = await api
    .request<{ data?: { viewer?: { login?: unknown } } }>('POST', graphqlUrl(api.context), { json: { query: 'query { viewer { login } }' } })
    .catch(() => undefined);
  const login = viewer?.data?.viewer?.login;
  if (typeof login === 'string' && login) return { login, source: 'GraphQL viewer' };
  return { login: ACTIONS_BOT, source: 'assumed' };
}

/** True when a comment or issue was written by this identity (GitHub logins are case-insensitive). */
export function writtenBy(item: { user?: { login?: string } | null }, identity: TokenIdentity): boolean {
  const login = item.user?.login;
  return typeof login === 'string' && login.toLowerCase() === identity.login.toLowerCase();
}

/** GitHub's answer to an installation token asking for GET /user. */
function isIntegrationRefusal(error: unknown): boolean {
  if (!(error instanceof HTTPError)) return false;
  const message = (error.response.body as { message?: unknown } | undefined)?.message;
  return error.response.statusCode === 403 && typeof message === 'string' && /not accessible by integration/i.test(message);
}
