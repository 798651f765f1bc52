// A fake GitHub REST API on 127.0.0.1 with the endpoints the PR comment, the drift issue and the
// expiry pull request use: issue comments, issues, pull requests, the Git Data API (refs, commits,
// trees), GET /user and the GraphQL `viewer`. Every token belongs to a user; what a
// token writes carries that user as its author, the way GitHub records it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUser {
  login: string;
  type: 'User' | 'Bot';
  /** An installation token (the workflow's GITHUB_TOKEN, a GitHub App's): GET /user answers 403. */
  installation?: boolean;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  /** The login of whoever wrote it. */
  author: string;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  stateReason?: string;
  author: string;
  /** The issues API lists pull requests too. */
  pullRequest?: boolean;
}

/** A pull request, for GET /repos/{o}/{r}/commits/{sha}/pulls. */
export interface FakePull {
  number: number;
  /** The commits of its branch; the list endpoint finds a pull request by any of them or its merge commit. */
  commits: string[];
  mergeCommitSha?: string;
  mergedAt?: string;
  /** Label names, listed with the pull request as GitHub does. */
  labels?: string[];
  /** For pull requests listed by GET /repos/{o}/{r}/pulls (absent: only findable by commit). */
  title?: string;
  body?: string;
  author?: string;
  state?: 'open' | 'closed';
  /** The branch it merges from, and the repository that branch is in (default: this one). */
  head?: string;
  headRepo?: string;
  base?: string;
}

/** The repository's git objects: branches → commit, commits, and trees as whole path → text maps. */
export interface FakeGit {
  refs: Record<string, string>;
  commits: Record<string, { tree: string; parents: string[]; message: string }>;
  trees: Record<string, Record<string, string>>;
}

export interface FakeGitHub {
  url: string;
  comments: FakeComment[];
  issues: FakeIssue[];
  pulls: FakePull[];
  git: FakeGit;
  /** `METHOD /path` of every request, in order. */
  requests: string[];
  /** When set, every request is answered `307 Location: <redirectTo><path>`. */
  redirectTo?: string;
  /** When false, POST /graphql answers 404 (an API without GraphQL). */
  graphql: boolean;
  close(): Promise<void>;
}

/** The default token's identity: the workflow's GITHUB_TOKEN. */
export const ACTIONS_BOT: FakeUser = { login: 'github-actions[bot]', type: 'Bot', installation: true };

export async function startFakeGitHub(token: string, options: { users?: Record<string, FakeUser> } = {}): Promise<FakeGitHub> {
  const users: Record<string, FakeUser> = { [token]: ACTIONS_BOT, ...options.users };
  const fake: FakeGitHub = { url: '', comments: [], issues: [], pulls: [], git: { refs: {}, commits: {}, trees: {} }, requests: [], graphql: true, close: async () => undefined };
  let nextId = 1000;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://github');
      fake.requests.push(`${req.method} ${url.pathname}`);
      if (fake.redirectTo) {
        res.writeHead(307, { location: `${fake.redirectTo}${url.pathname}` });
        return res.end();
      }
      const user = users[(req.headers.authorization ?? '').replace(/^Bearer /, '')];
      if (!user) return send(res, 401, { message: 'Bad credentials' });
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      route(fake, user, req, url, body, res, () => nextId++);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const userJson = (login: string): { login: string; type: string } => ({ login, type: login.endsWith('[bot]') ? 'Bot' : 'User' });
const commentJson = (c: FakeComment): unknown => ({ id: c.id, body: c.body, user: userJson(c.author), html_url: `https://github.test/c/${c.id}` });
const issueJson = (i: FakeIssue): unknown => ({
  number: i.number,
  title: i.title,
  body: i.body,
  state: i.state,
  state_reason: i.stateReason ?? null,
  user: userJson(i.author),
  html_url: `https://github.test/issues/${i.number}`,
  ...(i.pullRequest ? { pull_request: { url: `https://github.test/pulls/${i.number}` } } : {}),
});

function page<T>(list: T[], url: URL): T[] {
  const n = Number(url.searchParams.get('page') ?? 1);
  const perPage = Number(url.searchParams.get('per_page') ?? 30);
  return list.slice((n - 1) * perPage, n * perPage);
}

function route(fake: FakeGitHub, user: FakeUser, req: IncomingMessage, url: URL, body: Record<string, unknown>, res: ServerResponse, newId: () => number): void {
  const method = req.method;
  if (url.pathname === '/user' && method === 'GET') {
    if (user.installation) return send(res, 403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user', status: '403' });
    return send(res, 200, { login: user.login, type: user.type });
  }
  if (url.pathname === '/graphql' && method === 'POST') {
    if (!fake.graphql) return send(res, 404, { message: 'Not Found' });
    return send(res, 200, { data: { viewer: { login: user.login } } });
  }
  let m = /^\/repos\/[^/]+\/[^/]+\/commits\/([0-9a-f]+)\/pulls$/.exec(url.pathname);
  if (m && method === 'GET') {
    const sha = m[1]!;
    const pulls = fake.pulls.filter((p) => p.commits.includes(sha) || p.mergeCommitSha === sha);
    return send(res, 200, pulls.map((p) => ({ number: p.number, html_url: `https://github.test/pull/${p.number}`, merged_at: p.mergedAt ?? null, merge_commit_sha: p.mergeCommitSha ?? null, labels: (p.labels ?? []).map((name) => ({ name })) })));
  }
  if (url.pathname.includes('/git/') || /\/pulls(\/\d+)?$/.test(url.pathname)) return routePulls(fake, user, method, url, body, res, newId);
  m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname);
  if (m && method === 'GET') return send(res, 200, page(fake.comments.filter((c) => c.issue === Number(m![1])), url).map(commentJson));
  if (m && method === 'POST') {
    const comment: FakeComment = { id: newId(), issue: Number(m[1]), body: String(body.body), author: user.login };
    fake.comments.push(comment);
    return send(res, 201, commentJson(comment));
  }
  m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname);
  if (m && method === 'PATCH') {
    // Like GitHub, a token with write access may edit anyone's comment: not editing others' is grantsync's job.
    const comment = fake.comments.find((c) => c.id === Number(m![1]));
    if (!comment) return send(res, 404, { message: 'Not Found' });
    comment.body = String(body.body);
    return send(res, 200, commentJson(comment));
  }
  if (/^\/repos\/[^/]+\/[^/]+\/issues$/.test(url.pathname) && method === 'GET') {
    const state = url.searchParams.get('state') ?? 'open';
    return send(res, 200, page(fake.issues.filter((i) => state === 'all' || i.state === state), url).map(issueJson));
  }
  if (/^\/repos\/[^/]+\/[^/]+\/issues$/.test(url.pathname) && method === 'POST') {
    const issue: FakeIssue = { number: fake.issues.length + 1, title: String(body.title), body: String(body.body ?? ''), state: 'open', author: user.login };
    fake.issues.push(issue);
    return send(res, 201, issueJson(issue));
  }
  m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)$/.exec(url.pathname);
  if (m && method === 'PATCH') {
    const issue = fake.issues.find((i) => i.number === Number(m![1]));
    if (!issue) return send(res, 404, { message: 'Not Found' });
    if (typeof body.title === 'string') issue.title = body.title;
    if (typeof body.body === 'string') issue.body = body.body;
    if (body.state === 'open' || body.state === 'closed') issue.state = body.state;
    if (typeof body.state_reason === 'string') issue.stateReason = body.state_reason;
    return send(res, 200, issueJson(issue));
  }
  send(res, 404, { message: 'Not Found' });
}

const pullJson = (p: FakePull, repository: string): unknown => ({
  number: p.number,
  title: p.title,
  body: p.body,
  state: p.state,
  user: userJson(p.author ?? 'someone'),
  head: { ref: p.head, repo: { full_name: p.headRepo ?? repository } },
  base: { ref: p.base },
  html_url: `https://github.test/pull/${p.number}`,
});

/** Pull requests and the Git Data API, enough for a commit of whole files on a branch. */
function routePulls(fake: FakeGitHub, user: FakeUser, method: string | undefined, url: URL, body: Record<string, unknown>, res: ServerResponse, newId: () => number): void {
  const m = /^\/repos\/([^/]+\/[^/]+)\/(.*)$/.exec(url.pathname);
  if (!m) return send(res, 404, { message: 'Not Found' });
  const [repository, rest] = [m[1]!, m[2]!];
  const git = fake.git;
  const sha = (prefix: string): string => `${prefix}${newId().toString(16).padStart(8, '0')}`;
  let r: RegExpExecArray | null;
  if ((r = /^git\/ref\/heads\/(.+)$/.exec(rest)) && method === 'GET') {
    const target = git.refs[decodeURIComponent(r[1]!)];
    return target ? send(res, 200, { ref: `refs/heads/${decodeURIComponent(r[1]!)}`, object: { sha: target, type: 'commit' } }) : send(res, 404, { message: 'Not Found' });
  }
  if ((r = /^git\/commits\/([0-9a-z]+)$/.exec(rest)) && method === 'GET') {
    const commit = git.commits[r[1]!];
    return commit ? send(res, 200, { sha: r[1], tree: { sha: commit.tree }, parents: commit.parents.map((p) => ({ sha: p })), message: commit.message }) : send(res, 404, { message: 'Not Found' });
  }
  if (rest === 'git/trees' && method === 'POST') {
    const baseTree = git.trees[String(body.base_tree)];
    if (!baseTree) return send(res, 422, { message: 'base_tree not found' });
    const entries = body.tree as { path: string; content: string }[];
    const tree = sha('t');
    git.trees[tree] = { ...baseTree, ...Object.fromEntries(entries.map((e) => [e.path, e.content])) };
    return send(res, 201, { sha: tree });
  }
  if (rest === 'git/commits' && method === 'POST') {
    const parents = body.parents as string[];
    if (!git.trees[String(body.tree)] || parents.some((p) => !git.commits[p])) return send(res, 422, { message: 'tree or parent not found' });
    const commit = sha('c');
    git.commits[commit] = { tree: String(body.tree), parents, message: String(body.message) };
    return send(res, 201, { sha: commit });
  }
  if (rest === 'git/refs' && method === 'POST') {
    const name = String(body.ref).replace(/^refs\/heads\//, '');
    if (git.refs[name]) return send(res, 422, { message: 'Reference already exists' });
    git.refs[name] = String(body.sha);
    return send(res, 201, { ref: body.ref, object: { sha: body.sha } });
  }
  if ((r = /^git\/refs\/heads\/(.+)$/.exec(rest)) && method === 'PATCH') {
    const name = decodeURIComponent(r[1]!);
    if (!git.refs[name]) return send(res, 422, { message: 'Reference does not exist' });
    git.refs[name] = String(body.sha);
    return send(res, 200, { ref: `refs/heads/${name}`, object: { sha: body.sha } });
  }
  if (rest === 'pulls' && method === 'GET') {
    const state = url.searchParams.get('state') ?? 'open';
    const listed = fake.pulls.filter((p) => p.title !== undefined && (state === 'all' || (p.state ?? 'open') === state));
    return send(res, 200, page(listed, url).map((p) => pullJson(p, repository)));
  }
  if (rest === 'pulls' && method === 'POST') {
    if (!git.refs[String(body.head)]) return send(res, 422, { message: 'head branch not found' });
    const pull: FakePull = { number: 100 + fake.pulls.length, commits: [], title: String(body.title), body: String(body.body ?? ''), author: user.login, state: 'open', head: String(body.head), base: String(body.base) };
    fake.pulls.push(pull);
    return send(res, 201, pullJson(pull, repository));
  }
  if ((r = /^pulls\/(\d+)$/.exec(rest)) && method === 'PATCH') {
    const pull = fake.pulls.find((p) => p.number === Number(r![1]));
    if (!pull) return send(res, 404, { message: 'Not Found' });
    if (typeof body.title === 'string') pull.title = body.title;
    if (typeof body.body === 'string') pull.body = body.body;
    if (body.state === 'open' || body.state === 'closed') pull.state = body.state;
    return send(res, 200, pullJson(pull, repository));
  }
  send(res, 404, { message: 'Not Found' });
}
