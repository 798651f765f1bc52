// Issue 19: the plan tells the truth about the apply. A plan that apply would refuse (here: more
// removals than max_deletes) says so in every form (text, markdown, JSON, PR comment, step outputs)
// and `plan --detailed-exitcode` exits 3; the budget is raised for one merge only by a reviewed
// pull-request label that the plan comment records and the apply on merge reads back. The built CLI
// against the emulator and the fake GitHub API.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import { runCli } from '../helpers/cli.js';
import { withEmulator, writeRequests } from '../helpers/emulator.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js';
import { asApplyApp, asPlanApp, PIPELINE_SEED, pipelineGrants } from '../helpers/pipeline-apps.js';

const GITHUB_TOKEN = 'ghs_workflowTokenForBudgetLabels000000';
const HEAD = 'd'.repeat(40);
const MERGE = 'e'.repeat(40);
const STRAY = 8;

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()));
  cleanup = [];
});

/** The repository's grants (max_deletes: 5) against a tenant with 8 more grants the files do not declare. */
async function setUp(labels: string[] = []): Promise<{ emulator: Emulator; github: FakeGitHub; dir: string; work: string; prJob: Record<string, string>; pushJob: Record<string, string> }> {
  const { emulator, env } = await withEmulator({ seed: PIPELINE_SEED });
  const github = await startFakeGitHub(GITHUB_TOKEN);
  cleanup.push(() => emulator.close(), () => github.close());
  for (let i = 0; i < STRAY; i++) {
    const id = `stray${String(i).padStart(27, '0')}`;
    emulator.store.state.clients.push({ client_id: id, name: `stray-${i}`, app_type: 'non_interactive', is_first_party: true, global: false, grant_types: ['client_credentials'] });
    emulator.store.createGrant({ client_id: id, audience: 'https://api.example.com/notifications', scope: ['send:email'] });
  }
  const { work, dir } = pipelineGrants('grantsync-budget-');
  writeFileSync(path.join(work, 'event.json'), JSON.stringify({ action: 'labeled', number: 7, pull_request: { number: 7, labels: labels.map((name) => ({ name })) } }));
  github.pulls.push({ number: 7, commits: [HEAD], mergeCommitSha: MERGE, mergedAt: '2026-01-02T03:04:05Z', labels });
  const gh = { GITHUB_TOKEN, GITHUB_REPOSITORY: 'acme/grants', GITHUB_API_URL: github.url };
  return {
    emulator,
    github,
    dir,
    work,
    prJob: { ...asPlanApp(env), ...gh, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: path.join(work, 'event.json'), GITHUB_SHA: HEAD },
    pushJob: { ...asApplyApp(env), ...gh, GITHUB_EVENT_NAME: 'push', GITHUB_SHA: MERGE },
  };
}

// The demo's partner-sync moves from globex to acme: one association removed counts with the deletes.
const REASON = 'the plan deletes 9 grants and removes 1 organization association (10 removals), more than max_deletes (5)';
/** The same, as markdown escapes it. */
const MD_REASON = REASON.replace('_', '\\_');

describe('a plan that apply would refuse', () => {
  it('says so in text, markdown and JSON, and plan --detailed-exitcode exits 3; apply refuses with the same reason and writes nothing', { timeout: 90_000 }, async () => {
    const { emulator, dir, prJob } = await setUp();
    const env = { ...prJob, GITHUB_EVENT_NAME: '' };

    const text = await runCli(['plan', '--dir', dir, '--quiet'], { env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Plan: 2 to create, 4 to update, 9 to delete.');
    expect(text.stdout).toContain(`Apply will refuse this plan: ${REASON}. Check the plan; if it is right, run apply again with --max-deletes 10.`);
    expect(text.stdout).toContain('the label grantsync:max-deletes=10 raises the budget for that merge');

    expect((await runCli(['plan', '--dir', dir, '--quiet', '--detailed-exitcode'], { env })).code).toBe(3);
    expect((await runCli(['plan', '--dir', dir, '--quiet', '--detailed-exitcode', '--max-deletes', '10'], { env })).code).toBe(2);

    const markdown = await runCli(['plan', '--dir', dir, '--quiet', '--format', 'markdown'], { env });
    expect(markdown.stdout).toContain(`> [!CAUTION]\n> **Apply will refuse this plan**: ${MD_REASON}.`);

    const json = JSON.parse((await runCli(['plan', '--dir', dir, '--quiet', '--format', 'json'], { env })).stdout) as { refusals: { rule: string; reason: string }[]; budget: unknown };
    expect(json.refusals).toEqual([expect.objectContaining({ rule: 'max-deletes', reason: REASON })]);
    expect(json.budget).toEqual({ max_deletes: 5, source: 'settings' });
    const raised = JSON.parse((await runCli(['plan', '--dir', dir, '--quiet', '--format', 'json', '--max-deletes', '10'], { env })).stdout) as { refusals: unknown[]; budget: unknown };
    expect(raised).toMatchObject({ refusals: [], budget: { max_deletes: 10, source: 'option' } });

    const apply = await runCli(['apply', '--dir', dir, '--quiet'], { env: { ...env, AUTH0_CLIENT_ID: asApplyApp(env).AUTH0_CLIENT_ID!, AUTH0_CLIENT_SECRET: asApplyApp(env).AUTH0_CLIENT_SECRET! } });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(`error: apply refused: ${REASON}; nothing was changed.`);
    expect(writeRequests(emulator)).toBe(0);
  });

  it('says so in the PR comment and the step outputs, and the plan job fails with exit 3', { timeout: 90_000 }, async () => {
    const { github, dir, work, prJob } = await setUp();
    const outputs = path.join(work, 'outputs.txt');
    const summary = path.join(work, 'summary.md');
    writeFileSync(outputs, '');
    writeFileSync(summary, '');
    const plan = await runCli(['plan', '--dir', dir, '--comment', '--detailed-exitcode', '--quiet'], {
      env: { ...prJob, GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: outputs, GITHUB_STEP_SUMMARY: summary },
    });
    expect(plan.code, plan.stderr).toBe(3);
    expect(github.comments[0]!.body).toContain(`**Apply will refuse this plan**: ${MD_REASON}.`);
    expect(readFileSync(summary, 'utf8')).toContain('**Apply will refuse this plan**');
    const written = readFileSync(outputs, 'utf8');
    expect(written).toMatch(/refused<<(\S+)\ntrue\n\1/);
    expect(written).toMatch(/max_deletes<<(\S+)\n5\n\1/);
    expect(written).toContain(`${REASON}. Check the plan`);
  });
});

describe('raising the budget for one merge', () => {
  it('a grantsync:max-deletes label: the plan comment shows and records it, and the apply on merge uses it', { timeout: 90_000 }, async () => {
    const { emulator, github, dir, prJob, pushJob } = await setUp(['grantsync:max-deletes=10']);
    const plan = await runCli(['plan', '--dir', dir, '--comment', '--detailed-exitcode', '--quiet'], { env: prJob });
    expect(plan.code, plan.stderr).toBe(2);
    const body = github.comments[0]!.body;
    expect(body).toContain('<!-- grantsync-max-deletes 10 -->');
    expect(body).toContain('> [!IMPORTANT]\n> Deletion budget for this apply: 10, from the label grantsync:max-deletes=10 on pull request #');
    expect(body).not.toContain('Apply will refuse');

    const apply = await runCli(['apply', '--dir', dir, '--expect-from-pr', '--quiet'], { env: pushJob });
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stderr).toContain('Deletion budget 10, from the label grantsync:max-deletes=10 that the approved plan comment records.');
    expect(emulator.store.state.grants.filter((g) => g.client_id?.startsWith('stray'))).toEqual([]);
  });

  it('a label the plan comment does not record (set after the plan, or removed before the merge) raises nothing', { timeout: 90_000 }, async () => {
    const { emulator, github, dir, prJob, pushJob } = await setUp();
    expect((await runCli(['plan', '--dir', dir, '--comment', '--quiet'], { env: prJob })).code).toBe(0);
    // Labelled after the last plan, and merged before the plan job ran again.
    github.pulls[0]!.labels = ['grantsync:max-deletes=10'];
    const late = await runCli(['apply', '--dir', dir, '--expect-from-pr', '--quiet'], { env: pushJob });
    expect(late.code).toBe(1);
    expect(late.stderr).toContain('carries a grantsync:max-deletes=… label that its plan comment does not record');
    expect(late.stderr).toContain(`error: apply refused: ${REASON}`);
    expect(writeRequests(emulator)).toBe(0);

    // Recorded by the plan, then the label is taken off before the merge.
    const labelled = mkdtempSync(path.join(tmpdir(), 'grantsync-event-'));
    writeFileSync(path.join(labelled, 'event.json'), JSON.stringify({ pull_request: { number: 7, labels: [{ name: 'grantsync:max-deletes=10' }] } }));
    expect((await runCli(['plan', '--dir', dir, '--comment', '--quiet'], { env: { ...prJob, GITHUB_EVENT_PATH: path.join(labelled, 'event.json') } })).code).toBe(0);
    expect(github.comments[0]!.body).toContain('<!-- grantsync-max-deletes 10 -->');
    github.pulls[0]!.labels = [];
    const removed = await runCli(['apply', '--dir', dir, '--expect-from-pr', '--quiet'], { env: pushJob });
    expect(removed.code).toBe(1);
    expect(removed.stderr).toContain('the plan comment records a budget of 10 from a label pull request #7 no longer carries');
    expect(writeRequests(emulator)).toBe(0);
  });
});
