// A simulated GitHub Actions run: the built CLI with the environment the runner sets, a pull_request
// event file, a fake GitHub API on 127.0.0.1 and the emulator as the tenant.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import { findSecret } from '../helpers/secrets.js';
import { runCli } from '../helpers/cli.js';
import { withEmulator } from '../helpers/emulator.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js';
import { asPlanApp, PIPELINE_SEED, pipelineGrants } from '../helpers/pipeline-apps.js';

const GITHUB_TOKEN = 'ghs_fakeTokenForTheFakeGitHub000000';
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()));
  cleanup = [];
});

async function actionsRun(): Promise<{ emulator: Emulator; github: FakeGitHub; env: Record<string, string>; dir: string; work: string }> {
  // A pull-request job plans with the read-only application (write scopes are refused there).
  const { emulator, env } = await withEmulator({ seed: PIPELINE_SEED });
  const github = await startFakeGitHub(GITHUB_TOKEN);
  cleanup.push(() => emulator.close(), () => github.close());
  const { work, dir } = pipelineGrants('grantsync-actions-');
  writeFileSync(path.join(work, 'event.json'), JSON.stringify({ action: 'synchronize', number: 42, pull_request: { number: 42 } }));
  writeFileSync(path.join(work, 'summary.md'), '');
  writeFileSync(path.join(work, 'output.txt'), '');
  return {
    emulator,
    github,
    dir,
    work,
    env: {
      ...asPlanApp(env),
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_TOKEN,
      GITHUB_REPOSITORY: 'acme/grants',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: path.join(work, 'event.json'),
      GITHUB_API_URL: github.url,
      GITHUB_STEP_SUMMARY: path.join(work, 'summary.md'),
      GITHUB_OUTPUT: path.join(work, 'output.txt'),
    },
  };
}

/** Step outputs as @actions/core writes them (name<<delimiter / value / delimiter). */
function outputs(file: string): Record<string, string> {
  const text = readFileSync(file, 'utf8');
  const out: Record<string, string> = {};
  const re = /^(\w+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

describe('plan in a pull request', () => {
  it('creates one comment, then updates it on the next push; writes the summary and outputs', async () => {
    const { github, env, dir, work } = await actionsRun();
    const first = await runCli(['plan', '--dir', dir, '--comment', '--quiet'], { env });
    expect(first.code).toBe(0);
    expect(github.comments).toHaveLength(1);
    const marker = `<!-- grantsync-plan tenant=${new URL(env.AUTH0_DOMAIN!).host} dir=${dir} -->`;
    expect(github.comments[0]!.body).toMatch(new RegExp(`^${marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n<!-- grantsync-digest sha256:[0-9a-f]{64} -->\n### grantsync plan for`));
    expect(github.comments[0]!.body).toContain('**Plan: 2 to create, 4 to update, 1 to delete.**');

    // The next push: the plan changed (someone fixed the ledger grant), the same comment is updated.
    writeFileSync(path.join(dir, 'ledger.yaml'), 'grants:\n  - client: reporting-etl\n    audience: https://api.example.com/ledger\n    scope: [read:entries, write:entries]\n');
    const second = await runCli(['plan', '--dir', dir, '--comment', '--quiet'], { env });
    expect(second.code).toBe(0);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain('**Plan: 2 to create, 3 to update, 1 to delete.**');
    expect(github.requests.filter((r) => r.startsWith('POST /repos/'))).toHaveLength(1);
    expect(github.requests.filter((r) => r.startsWith('PATCH /repos/'))).toHaveLength(1);

    const summary = readFileSync(path.join(work, 'summary.md'), 'utf8');
    expect(summary).toContain('**Plan: 2 to create, 4 to update, 1 to delete.**');
    expect(summary).toContain('**Plan: 2 to create, 3 to update, 1 to delete.**');
    expect(outputs(path.join(work, 'output.txt'))).toMatchObject({ has_changes: 'true', create: '2', update: '3', delete: '1' });

    for (const run of [first, second]) {
      for (const text of [run.stdout, run.stderr, summary, ...github.comments.map((c) => c.body)]) {
        expect(text).not.toContain(GITHUB_TOKEN);
        expect(findSecret(text)).toBeUndefined();
      }
    }
  });

  it('annotates a broken YAML file and puts the problems in the comment', async () => {
    const { emulator, github, env, dir, work } = await actionsRun();
    writeFileSync(path.join(dir, 'ledger.yaml'), 'grants:\n  - client: reporting-etl\n    audience: https://api.example.com/ledger\n    scope: read:entries\n');
    const result = await runCli(['plan', '--dir', dir, '--comment'], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `::error title=grantsync,file=${dir}/ledger.yaml,line=4,col=12::\`grants[0].scope\` must be a list, but it is the text "read:entries". Write the scopes as a list: \`scope: [read:invoices, write:refunds]\`.`,
    );
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain('**The grant files have 1 problem; no plan was made and nothing was changed.**');
    expect(github.comments[0]!.body).toContain(`\`${dir}/ledger.yaml:4:12\``);
    expect(readFileSync(path.join(work, 'summary.md'), 'utf8')).toContain('The grant files have 1 problem');
    expect(emulator.stats().writes).toBe(0);
  });

  it('a token without pull-request permission fails clearly, without the token in the message', async () => {
    const { env, dir } = await actionsRun();
    const result = await runCli(['plan', '--dir', dir, '--comment', '--quiet'], { env: { ...env, GITHUB_TOKEN: 'ghs_wrongTokenValue0000000000' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: GitHub: could not post the plan comment on pull request #42');
    expect(result.stderr).toContain('pull-requests: write');
    expect(result.stderr).not.toContain('ghs_wrongTokenValue0000000000');
  });
});
