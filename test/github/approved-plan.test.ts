// Issue 13: merge applies exactly what was reviewed. The plan job (read-only app, pull_request) posts
// the plan comment with its change-set digest; the apply job (write app, push of the merge commit)
// finds the merged pull request, takes the digest from our last plan comment and applies only that.
// The built CLI against the emulator and the fake GitHub API.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import { runCli } from '../helpers/cli.js';
import { withEmulator, writeRequests } from '../helpers/emulator.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js';
import { asApplyApp, asPlanApp, PIPELINE_SEED, pipelineGrants } from '../helpers/pipeline-apps.js';

const GITHUB_TOKEN = 'ghs_workflowTokenForApprovedPlans0000';
const HEAD = 'a'.repeat(40);
const MERGE = 'b'.repeat(40);
const DIRECT = 'c'.repeat(40);

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()));
  cleanup = [];
});

async function setUp(): Promise<{ emulator: Emulator; github: FakeGitHub; dir: string; prJob: Record<string, string>; pushJob: Record<string, string>; marker: string }> {
  const { emulator, env } = await withEmulator({ seed: PIPELINE_SEED });
  const github = await startFakeGitHub(GITHUB_TOKEN);
  cleanup.push(() => emulator.close(), () => github.close());
  const { work, dir } = pipelineGrants('grantsync-approved-');
  writeFileSync(path.join(work, 'event.json'), JSON.stringify({ action: 'synchronize', number: 42, pull_request: { number: 42 } }));
  github.pulls.push({ number: 42, commits: [HEAD], mergeCommitSha: MERGE, mergedAt: '2026-01-02T03:04:05Z' });
  const gh = { GITHUB_TOKEN, GITHUB_REPOSITORY: 'acme/grants', GITHUB_API_URL: github.url };
  return {
    emulator,
    github,
    dir,
    marker: `<!-- grantsync-plan tenant=${new URL(env.AUTH0_DOMAIN!).host} dir=${dir} -->`,
    prJob: { ...asPlanApp(env), ...gh, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: path.join(work, 'event.json'), GITHUB_SHA: HEAD },
    pushJob: { ...asApplyApp(env), ...gh, GITHUB_EVENT_NAME: 'push', GITHUB_SHA: MERGE },
  };
}

const digestOfPlan = async (dir: string, env: Record<string, string>): Promise<string> => {
  const plan = await runCli(['plan', '--dir', dir, '--format', 'json', '--quiet'], { env });
  return (JSON.parse(plan.stdout) as { digest: string }).digest;
};

describe('apply --expect-from-pr', () => {
  it('applies the change set approved on the merged pull request', async () => {
    const { emulator, github, dir, prJob, pushJob, marker } = await setUp();
    const plan = await runCli(['plan', '--dir', dir, '--comment', '--quiet'], { env: prJob });
    expect(plan.code, plan.stderr).toBe(0);
    const digest = await digestOfPlan(dir, prJob);
    expect(github.comments[0]!.body.startsWith(`${marker}\n<!-- grantsync-digest ${digest} -->\n`)).toBe(true);

    const apply = await runCli(['apply', '--dir', dir, '--expect-from-pr'], { env: pushJob });
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stderr).toContain(`Applying the change set approved on pull request #42: ${digest}.`);
    expect(writeRequests(emulator)).toBe(8);
    expect(github.requests).toContain(`GET /repos/acme/grants/commits/${MERGE}/pulls`);
    // Read-only on GitHub when the plan is the approved one.
    expect(github.requests.filter((r) => !r.startsWith('GET ') && r !== 'POST /graphql')).toEqual(['POST /repos/acme/grants/issues/42/comments']);
  });

  it('refuses, with zero writes, when the tenant changed between plan and merge, and posts the new plan to the pull request', async () => {
    const { emulator, github, dir, prJob, pushJob, marker } = await setUp();
    expect((await runCli(['plan', '--dir', dir, '--comment', '--quiet'], { env: prJob })).code).toBe(0);
    const approved = github.comments[0]!.body;
    // Someone clicks a grant together in the Dashboard after the review: the plan now deletes it too.
    emulator.store.createGrant({ client_id: 'frdScorer444444444444444444444D', audience: 'https://api.example.com/ledger', scope: ['read:entries'] });

    const apply = await runCli(['apply', '--dir', dir, '--expect-from-pr'], { env: pushJob });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('error: apply refused: the plan changed since it was approved');
    expect(apply.stderr).toContain('Posted the new plan to pull request #42');
    expect(writeRequests(emulator)).toBe(0);
    expect(github.comments).toHaveLength(2);
    expect(github.comments[0]!.body).toBe(approved);
    const posted = github.comments[1]!;
    expect(posted.issue).toBe(42);
    expect(posted.body.startsWith(marker)).toBe(false);
    expect(posted.body).toContain('**The plan changed since it was approved**: nothing was applied.');
    expect(posted.body).toContain('**Plan: 2 to create, 4 to update, 2 to delete.**');

    // The refusal notice never counts as an approval: a second apply is refused again.
    const again = await runCli(['apply', '--dir', dir, '--expect-from-pr', '--quiet'], { env: pushJob });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('the plan changed since it was approved');
    expect(writeRequests(emulator)).toBe(0);
  });

  it('a plan comment someone else wrote is no approval', async () => {
    const { emulator, github, dir, prJob, pushJob, marker } = await setUp();
    const digest = await digestOfPlan(dir, prJob);
    github.comments.push({ id: 1, issue: 42, author: 'mallory', body: `${marker}\n<!-- grantsync-digest ${digest} -->\nLooks fine.` });
    const apply = await runCli(['apply', '--dir', dir, '--expect-from-pr'], { env: pushJob });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(`pull request #42 merged commit ${MERGE}, but it has no plan comment by github-actions[bot] for this tenant and directory; nothing was changed`);
    expect(writeRequests(emulator)).toBe(0);
  });

  it('a push that merged no pull request, or workflow_dispatch, applies only with --allow-unreviewed', async () => {
    const { emulator, dir, pushJob } = await setUp();
    for (const env of [{ ...pushJob, GITHUB_SHA: DIRECT }, { ...pushJob, GITHUB_EVENT_NAME: 'workflow_dispatch' }]) {
      const refused = await runCli(['apply', '--dir', dir, '--expect-from-pr'], { env });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/(is not the merge of a pull request|started by workflow_dispatch).*nothing was changed\. Pass --allow-unreviewed/);
      expect(refused.stdout).toBe('');
    }
    expect(writeRequests(emulator)).toBe(0);
    const allowed = await runCli(['apply', '--dir', dir, '--expect-from-pr', '--allow-unreviewed'], { env: { ...pushJob, GITHUB_SHA: DIRECT } });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toContain(`warning: commit ${DIRECT} is not the merge of a pull request; applying without a reviewed plan (--allow-unreviewed).`);
    expect(writeRequests(emulator)).toBe(8);
  });

  it('a plan cut to fit the comment still records its digest, and applies', { timeout: 90_000 }, async () => {
    const { emulator, github, dir, prJob, pushJob } = await setUp();
    // 1,500 grants the files do not declare: a plan far longer than GitHub's 65,536-character limit.
    for (let i = 0; i < 1500; i++) {
      const id = `bulk${String(i).padStart(28, '0')}`;
      emulator.store.state.clients.push({ client_id: id, name: `bulk-client-${i}`, app_type: 'non_interactive', is_first_party: true, global: false, grant_types: ['client_credentials'] });
      emulator.store.createGrant({ client_id: id, audience: 'https://api.example.com/notifications', scope: ['send:email'] });
    }
    expect((await runCli(['plan', '--dir', dir, '--comment', '--quiet'], { env: prJob })).code).toBe(0);
    const body = github.comments[0]!.body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain('The whole plan is in the job summary of this run.');
    const digest = await digestOfPlan(dir, prJob);
    expect(body).toContain(`<!-- grantsync-digest ${digest} -->`);
    const apply = await runCli(['apply', '--dir', dir, '--expect-from-pr', '--max-deletes', '2000', '--quiet'], { env: pushJob, timeoutMs: 60_000 });
    expect(apply.code, apply.stderr).toBe(0);
    expect(emulator.store.state.grants.filter((g) => g.client_id?.startsWith('bulk'))).toEqual([]);
  });
});
