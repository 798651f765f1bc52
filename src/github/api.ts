// The GitHub REST (and GraphQL) API through got, for the PR comment and the drift issue.
// Redirects are never followed: the token goes only to GITHUB_API_URL (got would drop the
// authorization header on a cross-host redirect, but the request body would still travel).
import { got, HTTPError, type Got } from 'got';
import { redirectTarget } from '../api/failures.js';
import { GitHubError } from '../errors.js';

export interface GitHubContext {
  apiUrl: string;
  /** GITHUB_GRAPHQL_URL as the runner sets it; derived from apiUrl when absent. */
  graphqlUrl?: string;
  token: string;
  repository: string;
  eventPath?: string;
  /** GRANTSYNC_GITHUB_LOGIN: the login the token writes as, when it cannot be asked (see identity.ts). */
  login?: string;
}

export interface GitHubRequest {
  searchParams?: Record<string, string | number>;
  json?: unknown;
}

export interface GitHubApi {
  /** `path` is relative to the API URL (`repos/o/r/issues`), or an absolute URL of the same API. */
  request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, options?: GitHubRequest): Promise<T>;
  readonly context: GitHubContext;
}

export function githubApi(context: GitHubContext): GitHubApi {
  const http: Got = got.extend({
    headers: {
      authorization: `Bearer ${context.token}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'grantsync',
    },
    followRedirect: false,
    retry: { limit: 2, methods: ['GET', 'PATCH'] },
    timeout: { request: 30_000 },
  });
  const base = context.apiUrl.replace(/\/+$/, '');
  return {
    context,
    async request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, options: GitHubRequest = {}): Promise<T> {
      const url = /^https?:\/\//.test(path) ? path : `${base}/${path}`;
      const res = await http(url, { method, searchParams: options.searchParams, json: options.json, responseType: 'json' });
      // With followRedirect off, got hands a 3xx back as a success.
      if (res.statusCode >= 300 && res.statusCode < 400) {
        throw new GitHubError(
          `${method} ${new URL(url).pathname} → ${res.statusCode} redirect to ${redirectTarget(res.headers.location, url)}: ` +
            'refused, grantsync never follows redirects with the GitHub token. Check GITHUB_API_URL',
        );
      }
      return res.body as T;
    },
  };
}

/** The GraphQL endpoint: GITHUB_GRAPHQL_URL, else api.github.com/graphql or GHES's /api/graphql. */
export function graphqlUrl(context: GitHubContext): string {
  if (context.graphqlUrl) return context.graphqlUrl;
  const base = context.apiUrl.replace(/\/+$/, '');
  return /\/api\/v3$/.test(base) ? base.replace(/\/v3$/, '/graphql') : `${base}/graphql`;
}

/**
 * A failed GitHub call as a GitHubError saying what could not be done, plus, when GitHub refused the
 * token (401/403), the permission the job needs. Redacted; the original error is kept as `cause`.
 */
export function githubFailure(error: unknown, what: string, permission: string, redact: (text: string) => string): GitHubError {
  const status = error instanceof HTTPError ? error.response.statusCode : undefined;
  return new GitHubError(
    redact(`${what}: ${(error as Error).message}`) + (status === 403 || status === 401 ? `. The job needs \`permissions: ${permission}\` and GITHUB_TOKEN.` : ''),
    { cause: error },
  );
}
