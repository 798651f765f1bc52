// The PR comment and the drift issue are found by a hidden marker that anyone can copy: only what
// the token's own identity wrote is ever edited or closed. And the GitHub token never follows a
// redirect. The built CLI against the emulator and the fake GitHub API.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { withEmulator } from '../helpers/emulator.js';
import { startFakeGitHub, type FakeGitHub, type FakeUser } from '../helpers/fake-github.js';

const GITHUB_TOKEN = 'ghs_defaultWorkflowToken00000000000';
const PAT = 'github_pat_aliceOwnPersonalToken0000000';
const APP_TOKEN = 'ghs_anotherAppInstallationToken0000';
const USERS: Record<string, FakeUser> = {
  [PAT]: { login: 'alice', type: 'User' },
  [APP_TOKEN]: { login: 'grantsync-deployer[bot]', type: 'Bot', installation: true },
};

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()));
  cleanup = [];
});

async function setUp(): Promise<{ github: FakeGitHub; env: Record<string, string>; dir: string; host: string }> {
  const { emulator, env } = await withEmulator();
  const github = await startFakeGitHub(GITHUB_TOKEN, { users: USERS });
  cleanup.push(() => emulator.close(), () => github.close());
  const work = mkdtempSync(path.join(tmpdir(), 'grantsync-identity-'));
  const dir = path.join(work, 'grants');
  cpSync(path.resolve('grants'), dir, { recursive: true });
  writeFileSync(path.join(work, 'event.json'), JSON.stringify({ number: 42, pull_request: { number: 42 } }));
  return {
    github,
    dir,
    host: new URL(env.AUTH0_DOMAIN!).host,
    env: {
      ...env,
      GITHUB_TOKEN,
      GITHUB_REPOSITORY: 'acme/grants',
      GITHUB_EVENT_PATH: path.join(work, 'event.json'),
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: 'https://github.test',
      GITHUB_RUN_ID: '777',
    },
  };
}

const patches = (github: FakeGitHub, route: string): string[] => github.requests.filter((r) => r === `PATCH /repos/acme/grants/${route}`);

describe('the sticky PR comment is only ever our own', () => {
  it('a comment by someone else carrying the marker is never edited; ours is created, then updated in place', async () => {
    const { github, env, dir, host } = await setUp();
    const marker = `<!-- grantsync-plan tenant=${host} dir=${dir} -->`;
    github.comments.push(
      { id: 1, issue: 42, body: `${marker}\nNothing to see: the plan is empty, approve away.`, author: 'mallory' },
      { id: 2, issue: 42, body: `${marker}\nposted by another app`, author: 'other-app[bot]' },
    );

    const first = await runCli(['plan', '--dir', dir, '--comment'], { env });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('Left alone 2 comment(s) with the plan marker that github-actions[bot] did not write.');
    expect(github.comments).toHaveLength(3);
    const ours = github.comments[2]!;
    expect(ours.author).toBe('github-actions[bot]');
    expect(ours.body).toContain('**Plan: 2 to create, 4 to update, 1 to delete.**');

    const second = await runCli(['plan', '--dir', dir, '--comment'], { env });
    expect(second.code).toBe(0);
    expect(github.comments).toHaveLength(3);
    expect(patches(github, `issues/comments/${ours.id}`)).toHaveLength(1);
    expect(patches(github, 'issues/comments/1')).toEqual([]);
    expect(patches(github, 'issues/comments/2')).toEqual([]);
    expect(github.comments[0]!.body).toBe(`${marker}\nNothing to see: the plan is empty, approve away.`);
    expect(github.comments[1]!.body).toBe(`${marker}\nposted by another app`);
  });

  it('a personal token: GET /user names the author; a github-actions[bot] comment is then not ours', async () => {
    const { github, env, dir, host } = await setUp();
    const marker = `<!-- grantsync-plan tenant=${host} dir=${dir} -->`;
    github.comments.push({ id: 1, issue: 42, body: `${marker}\nold`, author: 'github-actions[bot]' }, { id: 2, issue: 42, body: `${marker}\nold`, author: 'alice' });
    const result = await runCli(['plan', '--dir', dir, '--comment', '--quiet'], { env: { ...env, GITHUB_TOKEN: PAT } });
    expect(result.code).toBe(0);
    expect(github.requests).toContain('GET /user');
    expect(github.requests).not.toContain('POST /graphql');
    expect(github.comments).toHaveLength(2);
    expect(patches(github, 'issues/comments/2')).toHaveLength(1);
    expect(github.comments[0]!.body).toBe(`${marker}\nold`);
  });

  it('a GitHub App installation token: the GraphQL viewer names its bot, so the default bot\'s comment is not ours', async () => {
    const { github, env, dir, host } = await setUp();
    const marker = `<!-- grantsync-plan tenant=${host} dir=${dir} -->`;
    github.comments.push({ id: 1, issue: 42, body: `${marker}\nold`, author: 'github-actions[bot]' });
    for (let run = 0; run < 2; run++) expect((await runCli(['plan', '--dir', dir, '--comment', '--quiet'], { env: { ...env, GITHUB_TOKEN: APP_TOKEN } })).code).toBe(0);
    expect(github.comments.map((c) => c.author)).toEqual(['github-actions[bot]', 'grantsync-deployer[bot]']);
    expect(patches(github, 'issues/comments/1')).toEqual([]);
    expect(patches(github, `issues/comments/${github.comments[1]!.id}`)).toHaveLength(1);
  });

  it('GRANTSYNC_GITHUB_LOGIN names the author without asking; with no GraphQL either, github-actions[bot] is assumed', async () => {
    const { github, env, dir, host } = await setUp();
    const marker = `<!-- grantsync-plan tenant=${host} dir=${dir} -->`;
    github.comments.push({ id: 1, issue: 42, body: `${marker}\nold`, author: 'github-actions[bot]' }, { id: 2, issue: 42, body: `${marker}\nold`, author: 'alice' });
    expect((await runCli(['plan', '--dir', dir, '--comment', '--quiet'], { env: { ...env, GRANTSYNC_GITHUB_LOGIN: 'Alice' } })).code).toBe(0);
    expect(github.requests.filter((r) => r === 'GET /user' || r === 'POST /graphql')).toEqual([]);
    expect(patches(github, 'issues/comments/2')).toHaveLength(1);

    github.graphql = false;
    expect((await runCli(['plan', '--dir', dir, '--comment', '--quiet'], { env })).code).toBe(0);
    expect(patches(github, 'issues/comments/1')).toHaveLength(1);
    expect(patches(github, 'issues/comments/2')).toHaveLength(1);
  });

  it('a GitHub API that redirects: nothing reaches the other host, the run fails clearly', async () => {
    const { github, env, dir } = await setUp();
    const received: string[] = [];
    const elsewhere = createServer((req, res) => {
      received.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.end('{}');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => elsewhere.close(() => resolve())));
    const { port } = elsewhere.address() as AddressInfo;
    github.redirectTo = `http://user:pw@127.0.0.1:${port}`;

    const result = await runCli(['plan', '--dir', dir, '--comment', '--quiet'], { env });
    expect(received).toEqual([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: GitHub: could not post the plan comment on pull request #42: GET /user → 307 redirect to http://127.0.0.1:${port}: refused`);
    expect(result.stderr).not.toContain('pw@');
    expect(result.stderr).not.toContain(GITHUB_TOKEN);
  });
});

describe('the drift issue is only ever our own', () => {
  it('an issue by someone else with the same title and marker is never edited or closed; ours is opened, updated, closed', async () => {
    const { github, env, dir, host } = await setUp();
    const marker = `<!-- grantsync-drift tenant=${host} dir=${dir} -->`;
    const title = `grantsync: the tenant differs from the grant files in ${dir}`;
    const theirs = { number: 1, title, body: `${marker}\nAll fine, close me.`, state: 'open' as const, author: 'mallory' };
    // The old workflow matched this by title alone.
    const legacy = { number: 2, title: `grantsync: ${host} drifted from main`, body: 'old', state: 'open' as const, author: 'github-actions[bot]' };
    github.issues.push({ ...theirs }, { ...legacy });

    const opened = await runCli(['plan', '--dir', dir, '--drift-issue'], { env });
    expect(opened.code).toBe(0);
    expect(opened.stderr).toContain('Left alone 1 open issue(s) with the drift marker that github-actions[bot] did not open.');
    expect(opened.stderr).toContain('Opened the drift issue #3: https://github.test/issues/3.');
    const ours = github.issues[2]!;
    expect(ours).toMatchObject({ author: 'github-actions[bot]', state: 'open', title });
    expect(ours.title).not.toContain(host);
    expect(ours.body.startsWith(`${marker}\n`)).toBe(true);
    expect(ours.body).toContain('**Plan: 2 to create, 4 to update, 1 to delete.**');
    expect(ours.body).toContain('Run: https://github.test/acme/grants/actions/runs/777');

    const updated = await runCli(['plan', '--dir', dir, '--drift-issue', '--quiet'], { env });
    expect(updated.code).toBe(0);
    expect(github.issues).toHaveLength(3);
    expect(patches(github, 'issues/3')).toHaveLength(1);

    expect((await runCli(['apply', '--dir', dir, '--quiet'], { env })).code).toBe(0);
    const closed = await runCli(['plan', '--dir', dir, '--drift-issue'], { env });
    expect(closed.code).toBe(0);
    expect(closed.stderr).toContain('Closed the drift issue #3');
    expect(github.issues[2]).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(github.comments.filter((c) => c.issue === 3).map((c) => c.body)).toEqual([
      `The tenant matches the grant files in \`${dir}\` again (https://github.test/acme/grants/actions/runs/777).`,
    ]);

    // Someone else's issues: not one request that changes them, and byte-identical.
    expect(github.requests.filter((r) => /\/issues\/[12](\/|$)/.test(r) && !r.startsWith('GET'))).toEqual([]);
    expect(github.issues[0]).toEqual(theirs);
    expect(github.issues[1]).toEqual(legacy);
  });

  it('the nightly workflow leaves the issue to grantsync: no title search, no tenant host in a title', () => {
    const workflow = readFileSync(path.resolve('.github/workflows/grants-drift.yml'), 'utf8');
    expect(workflow).toContain('--drift-issue');
    expect(workflow).not.toMatch(/gh issue|in:title|--title/);
  });
});
