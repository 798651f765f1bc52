// The nightly expiry job (`grantsync expire --open-pr`) against the fake GitHub API: one pull request
// that deletes the expired entries, updated (never duplicated) on later nights, closed when nothing has
// expired any more, and no write at all when nothing expired. In-process, with a fixed clock.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTree } from '../helpers/directory.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js';
import { runInProcess } from '../helpers/inprocess.js';

const GITHUB_TOKEN = 'ghs_defaultWorkflowToken00000000000';
const PAY = 'https://api.example.com/payments';
const FILE = `# yaml-language-server: $schema=../schema/grants.schema.json
# Payments API
grants:
  - client: billing-worker                 # the nightly billing run
    audience: ${PAY}
    scope: [read:invoices, {name: write:refunds, expires: 2027-01-31}]

  # the export is temporary
  - client: old-exporter
    audience: ${PAY}
    scope: [read:invoices]
    expires: 2027-02-10   # until the migration ends
`;

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()));
  cleanup = [];
});

async function setUp(file = FILE): Promise<{ github: FakeGitHub; env: Record<string, string>; dir: string; root: string }> {
  const github = await startFakeGitHub(GITHUB_TOKEN);
  cleanup.push(() => github.close());
  const root = writeTree({ 'grants/grantsync.yaml': 'manage: all\n', 'grants/payments.yaml': file });
  mkdirSync(path.join(root, '.git'));
  github.git.trees.t0 = { 'grants/grantsync.yaml': 'manage: all\n', 'grants/payments.yaml': file, 'README.md': 'hi\n' };
  github.git.commits.c0 = { tree: 't0', parents: [], message: 'init' };
  github.git.refs.main = 'c0';
  const env = { GITHUB_TOKEN, GITHUB_REPOSITORY: 'acme/grants', GITHUB_API_URL: github.url, GITHUB_SHA: 'c0', GITHUB_REF_NAME: 'main' };
  return { github, env, dir: path.join(root, 'grants'), root };
}

const expire = (dir: string, env: Record<string, string>, day: string, ...extra: string[]) =>
  runInProcess(['expire', '--dir', dir, ...extra], env, undefined, { now: new Date(`${day}T06:00:00Z`) });

/** Requests that change something on GitHub (GraphQL only asks who the token is). */
const writes = (github: FakeGitHub): string[] => github.requests.filter((r) => !r.startsWith('GET ') && r !== 'POST /graphql');

describe('grantsync expire --open-pr', () => {
  it('does nothing when nothing expired: no branch, no pull request, no write', async () => {
    const { github, env, dir } = await setUp();
    const result = await expire(dir, env, '2027-01-30', '--open-pr');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Nothing in');
    expect(writes(github)).toEqual([]);
    expect(github.pulls).toEqual([]);
    expect(Object.keys(github.git.refs)).toEqual(['main']);
  });

  it('opens one pull request that deletes the expired entries, keeping every other byte', async () => {
    const { github, env, dir } = await setUp();
    const result = await expire(dir, env, '2027-01-31', '--open-pr');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('grants/payments.yaml:6: scope write:refunds of billing-worker → https://api.example.com/payments, expired on 2027-01-31');
    expect(github.pulls).toHaveLength(1);
    const pull = github.pulls[0]!;
    expect(pull).toMatchObject({ state: 'open', base: 'main', author: 'github-actions[bot]', head: 'grantsync/expire-grants-2027-01-31' });
    expect(pull.body!.startsWith(`<!-- grantsync-expiry dir=grants -->\n`)).toBe(true);
    expect(pull.body).toContain('`grants/payments.yaml:6` scope `write:refunds` of `billing-worker`');
    const commit = github.git.commits[github.git.refs[pull.head!]!]!;
    expect(commit.parents).toEqual(['c0']);
    const tree = github.git.trees[commit.tree]!;
    expect(tree['grants/payments.yaml']).toBe(FILE.replace(', {name: write:refunds, expires: 2027-01-31}]', ']'));
    expect(tree['README.md']).toBe('hi\n');
    // The checkout is not touched without --write.
    expect(readFileSync(path.join(dir, 'payments.yaml'), 'utf8')).toBe(FILE);
  });

  it('updates the same pull request on a later night instead of opening another', async () => {
    const { github, env, dir } = await setUp();
    await expire(dir, env, '2027-01-31', '--open-pr');
    const second = await expire(dir, env, '2027-02-10', '--open-pr');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('Updated the expiry pull request #100');
    expect(github.pulls).toHaveLength(1);
    const pull = github.pulls[0]!;
    expect(pull.title).toBe('grantsync: remove 2 expired entries from grants');
    expect(Object.keys(github.git.refs).sort()).toEqual(['grantsync/expire-grants-2027-01-31', 'main']);
    const tree = github.git.trees[github.git.commits[github.git.refs[pull.head!]!]!.tree]!;
    expect(tree['grants/payments.yaml']).toBe(`# yaml-language-server: $schema=../schema/grants.schema.json
# Payments API
grants:
  - client: billing-worker                 # the nightly billing run
    audience: ${PAY}
    scope: [read:invoices]
`);
  });

  it('leaves a pull request with the marker that someone else opened alone, and opens its own', async () => {
    const { github, env, dir } = await setUp();
    github.pulls.push({ number: 7, commits: [], title: 'me too', body: `<!-- grantsync-expiry dir=grants -->\nmerge me`, author: 'mallory', state: 'open', head: 'evil', base: 'main' });
    const result = await expire(dir, env, '2027-01-31', '--open-pr');
    expect(result.stderr).toContain('Left alone 1 open pull request(s)');
    expect(github.pulls.map((p) => [p.number, p.author, p.body!.includes('merge me')])).toEqual([[7, 'mallory', true], [101, 'github-actions[bot]', false]]);
  });

  it('closes its pull request once nothing has expired any more', async () => {
    const { github, env, dir } = await setUp();
    await expire(dir, env, '2027-01-31', '--open-pr');
    // The day was moved on main in the meantime: the next night's checkout no longer expires.
    writeFileSync(path.join(dir, 'payments.yaml'), FILE.replace('expires: 2027-01-31', 'expires: 2027-06-30'));
    const result = await expire(dir, env, '2027-02-01', '--open-pr');
    expect(result.code, result.stderr).toBe(0);
    expect(github.pulls[0]!.state).toBe('closed');
    expect(github.comments.map((c) => c.issue)).toEqual([100]);
  });

  it('--write deletes them from the files here', async () => {
    const { github, env, dir } = await setUp();
    const result = await expire(dir, env, '2027-02-10', '--write');
    expect(result.code).toBe(0);
    expect(readFileSync(path.join(dir, 'payments.yaml'), 'utf8')).not.toContain('old-exporter');
    expect(readFileSync(path.join(dir, 'payments.yaml'), 'utf8')).toContain('# the nightly billing run');
    expect(github.requests).toEqual([]);
  });
});

