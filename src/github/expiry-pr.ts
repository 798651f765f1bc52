// The expiry pull request (`grantsync expire --open-pr`, nightly): one open pull request per grants
// directory that deletes the expired entries from the YAML, so git stays the truth and the removal is
// planned, reviewed and applied like any other change. The commit is made through the Git Data API
// (no push credentials, no git in the job). The pull request is found again only by a hidden marker
// at the start of its body AND by being opened by the token's own identity (as the drift issue is):
// it is updated in place (its branch moved to a fresh commit), never duplicated; when nothing has
// expired any more, it is closed; when nothing expired and none is open, nothing is written.
import { codeSpan, visible } from '../util/escape.js';
import { githubApi, type GitHubApi, type GitHubContext } from './api.js';
import { tokenIdentity, writtenBy, type TokenIdentity } from './identity.js';

/** Pages of open pull requests read to find ours (100 each). */
const MAX_PAGES = 20;

export function expiryMarker(dir: string): string {
  return `<!-- grantsync-expiry dir=${dir} -->`;
}

export interface ExpiryFile {
  /** Path inside the repository, with `/`. */
  path: string;
  /** The file's new text. */
  content: string;
}

export interface ExpiryPullRequest {
  marker: string;
  title: string;
  /** The body after the marker. */
  body: string;
  /** The branch a new pull request is opened from (an open one keeps its own). */
  branch: string;
  /** The branch it merges into. */
  base: string;
  /** The commit the edit was made on (the files were read there); default: the head of `base`. */
  parent?: string;
  commitMessage: string;
  /** Empty: nothing expired. */
  files: ExpiryFile[];
  /** Said on the pull request when it is closed because nothing has expired any more. */
  closingComment: string;
}

export interface ExpiryPullResult {
  action: 'opened' | 'updated' | 'closed' | 'none';
  number?: number;
  url?: string;
  identity: TokenIdentity;
  /** Open pull requests carrying the marker that someone else opened, left alone. */
  ignored: number;
}

interface GitHubPull {
  number: number;
  body?: string | null;
  html_url?: string;
  user?: { login?: string } | null;
  head?: { ref?: string; repo?: { full_name?: string } | null };
}

export async function syncExpiryPullRequest(context: GitHubContext, request: ExpiryPullRequest): Promise<ExpiryPullResult> {
  const api = githubApi(context);
  const identity = await tokenIdentity(api);
  const repo = `repos/${context.repository}`;
  const { ours, ignored } = await findExpiryPull(api, repo, request.marker, identity);
  const text = `${request.marker}\n${request.body}`;
  if (request.files.length === 0) {
    if (!ours) return { action: 'none', identity, ignored };
    await api.request('POST', `${repo}/issues/${ours.number}/comments`, { json: { body: request.closingComment } });
    const closed = await api.request<GitHubPull>('PATCH', `${repo}/pulls/${ours.number}`, { json: { state: 'closed' } });
    return { action: 'closed', number: ours.number, url: closed.html_url, identity, ignored };
  }
  const commit = await commitFiles(api, repo, request);
  if (ours?.head?.ref) {
    // Our branch, rebuilt on today's base: force is right, it only ever holds grantsync's commit.
    await api.request('PATCH', `${repo}/git/refs/heads/${encodeRef(ours.head.ref)}`, { json: { sha: commit, force: true } });
    const updated = await api.request<GitHubPull>('PATCH', `${repo}/pulls/${ours.number}`, { json: { title: request.title, body: text } });
    return { action: 'updated', number: ours.number, url: updated.html_url, identity, ignored };
  }
  // A new branch; a branch of that name that exists already is someone's, and is not moved (GitHub answers 422).
  await api.request('POST', `${repo}/git/refs`, { json: { ref: `refs/heads/${request.branch}`, sha: commit } });
  const opened = await api.request<GitHubPull>('POST', `${repo}/pulls`, { json: { title: request.title, head: request.branch, base: request.base, body: text } });
  return { action: 'opened', number: opened.number, url: opened.html_url, identity, ignored };
}

/** One commit with the edited files on top of `parent` (or the head of `base`); returns its sha. */
async function commitFiles(api: GitHubApi, repo: string, request: ExpiryPullRequest): Promise<string> {
  const parent = request.parent ?? (await api.request<{ object: { sha: string } }>('GET', `${repo}/git/ref/heads/${encodeRef(request.base)}`)).object.sha;
  const base = await api.request<{ tree: { sha: string } }>('GET', `${repo}/git/commits/${parent}`);
  const tree = await api.request<{ sha: string }>('POST', `${repo}/git/trees`, {
    json: { base_tree: base.tree.sha, tree: request.files.map((f) => ({ path: f.path, mode: '100644', type: 'blob', content: f.content })) },
  });
  const commit = await api.request<{ sha: string }>('POST', `${repo}/git/commits`, { json: { message: request.commitMessage, tree: tree.sha, parents: [parent] } });
  return commit.sha;
}

/** The oldest open pull request this identity opened, from this repository, with the marker first in its body. */
async function findExpiryPull(api: GitHubApi, repo: string, marker: string, identity: TokenIdentity): Promise<{ ours?: GitHubPull; ignored: number }> {
  let ignored = 0;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const pulls = await api.request<GitHubPull[]>('GET', `${repo}/pulls`, { searchParams: { state: 'open', sort: 'created', direction: 'asc', per_page: 100, page } });
    const marked = pulls.filter((p) => (p.body ?? '').startsWith(marker));
    const mine = (p: GitHubPull): boolean => writtenBy(p, identity) && p.head?.repo?.full_name?.toLowerCase() === api.context.repository.toLowerCase();
    const ours = marked.find(mine);
    ignored += marked.filter((p) => !mine(p)).length;
    if (ours) return { ours, ignored };
    if (pulls.length < 100) break;
  }
  return { ignored };
}

/** A branch name in a URL path: each segment encoded, the slashes kept. */
function encodeRef(ref: string): string {
  return ref.split('/').map(encodeURIComponent).join('/');
}

/** One removed entry, for the pull request's text. */
export interface RemovedEntry {
  /** The file as shown (repository path) and the entry's line in it before the edit. */
  file: string;
  line: number;
  client: string | null;
  audience: string;
  scope: string | null;
  expired_on: string;
}

/** Title, body and commit message of the expiry pull request. Values from the files sit in code spans. */
export function expiryPullText(dir: string, removed: readonly RemovedEntry[], runUrl: string | undefined): Pick<ExpiryPullRequest, 'title' | 'body' | 'commitMessage' | 'closingComment'> {
  const n = removed.length;
  const rows = removed.slice(0, MAX_ROWS).map((r) => {
    const what = r.scope === null ? 'the grant' : `scope ${codeSpan(r.scope)} of`;
    return `- ${codeSpan(`${r.file}:${r.line}`)} ${what} ${codeSpan(r.client ?? 'default grant')} → ${codeSpan(r.audience)}: expired on ${r.expired_on}`;
  });
  if (n > MAX_ROWS) rows.push(`- … and ${n - MAX_ROWS} more`);
  const body = [
    `These entries in ${codeSpan(dir)} have passed their \`expires\` day. grantsync already treats them as absent (plans remove them); this pull request deletes them from the files, so that git says what the tenant holds.`,
    '',
    ...rows,
    '',
    'Merging it applies the removal the normal way: the plan on this pull request, then the apply on merge. To keep an access, move its `expires` day in another pull request; this one is then updated or closed by the next run.',
    ...(runUrl ? ['', `Run: ${runUrl}`] : []),
    '',
  ].join('\n');
  return {
    title: `grantsync: remove ${n} expired ${n === 1 ? 'entry' : 'entries'} from ${visible(dir)}`,
    body,
    commitMessage: `Remove ${n} expired grant ${n === 1 ? 'entry' : 'entries'} from ${dir}\n\n${removed.map((r) => visible(`${r.file}:${r.line} ${r.scope === null ? 'grant' : `scope ${r.scope}`} expired on ${r.expired_on}`)).join('\n')}\n`,
    closingComment: `Nothing in ${codeSpan(dir)} has expired any more (the entries were removed or their \`expires\` day moved)${runUrl ? ` (${runUrl})` : ''}.`,
  };
}

const MAX_ROWS = 200;
