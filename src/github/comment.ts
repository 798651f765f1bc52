// The sticky PR comment: one comment per tenant and directory, found again by a hidden marker and
// updated in place. GitHub REST API through got.
import { readFile } from 'node:fs/promises';
import { got, type Got } from 'got';
import { InputError } from '../errors.js';

export interface GitHubContext {
  apiUrl: string;
  token: string;
  repository: string;
  eventPath?: string;
}

export function githubContext(env: Record<string, string | undefined>): GitHubContext {
  const missing = ['GITHUB_TOKEN', 'GITHUB_REPOSITORY'].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new InputError([
      {
        message: `--comment needs ${missing.join(' and ')} in the environment`,
        hint: 'In a workflow, pass `GITHUB_TOKEN: ${{ github.token }}` and grant `pull-requests: write`.',
      },
    ]);
  }
  return { apiUrl: env.GITHUB_API_URL || 'https://api.github.com', token: env.GITHUB_TOKEN!, repository: env.GITHUB_REPOSITORY!, eventPath: env.GITHUB_EVENT_PATH };
}

/** The hidden line that identifies our comment for this tenant and directory. */
export function commentMarker(tenant: string, dir: string): string {
  return `<!-- grantsync-plan tenant=${tenant} dir=${dir} -->`;
}

export async function pullRequestNumber(eventPath: string | undefined): Promise<number> {
  const event = eventPath ? (JSON.parse(await readFile(eventPath, 'utf8').catch(() => '{}')) as { pull_request?: { number?: unknown }; number?: unknown }) : {};
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
}

export async function upsertComment(context: GitHubContext, issue: number, marker: string, body: string): Promise<UpsertResult> {
  const http: Got = got.extend({
    prefixUrl: context.apiUrl,
    headers: {
      authorization: `Bearer ${context.token}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'grantsync',
    },
    retry: { limit: 2, methods: ['GET', 'PATCH'] },
    timeout: { request: 30_000 },
  });
  const base = `repos/${context.repository}/issues`;
  const text = `${marker}\n${body}`;
  for (let page = 1; page < 100; page++) {
    const comments = await http.get(`${base}/${issue}/comments`, { searchParams: { per_page: 100, page } }).json<{ id: number; body?: string; html_url?: string }[]>();
    const ours = comments.find((c) => c.body?.includes(marker));
    if (ours) {
      const updated = await http.patch(`${base}/comments/${ours.id}`, { json: { body: text } }).json<{ html_url?: string }>();
      return { action: 'updated', id: ours.id, url: updated.html_url };
    }
    if (comments.length < 100) break;
  }
  const comment = await http.post(`${base}/${issue}/comments`, { json: { body: text } }).json<{ id: number; html_url?: string }>();
  return { action: 'created', id: comment.id, url: comment.html_url };
}
