// Hostile grant directories: pathological lines finish in linear time, reads are capped and stay
// inside the repository, and nothing read is echoed beyond a short excerpt. Each case runs the
// built CLI; the 20 s limit of runCli is the bound (the bugs took minutes, or forever).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';

const SETTINGS = 'manage: all\n';
const GRANT = 'grants:\n  - client: billing-worker\n    audience: https://api.example.com/payments\n    scope: [read:invoices]\n';
const MB = 1024 * 1024;

/** A fresh project outside any git repository: <tmp>/project/grants, so the fence is <tmp>/project. */
function project(files: Record<string, string>): { root: string; dir: string } {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'grantsync-sec-')), 'project');
  const dir = path.join(root, 'grants');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return { root, dir };
}

function validate(dir: string, ...extra: string[]): Promise<CliResult> {
  return runCli(['validate', '--offline', '--dir', dir, ...extra], { timeoutMs: 20_000 });
}

function expectInputError(result: CliResult): void {
  expect(result.code).toBe(1);
  expect(result.stderr).not.toContain('this is a bug');
  expect(result.stderr).toMatch(/nothing was changed\.\n$/);
}

describe('pathological lines are handled in linear time', { timeout: 60_000 }, () => {
  it('a 1 MB line of `{` (the YAML error hint was quadratic: 11 minutes for 400 KB)', async () => {
    const { dir } = project({ 'grantsync.yaml': SETTINGS, 'a.yaml': `grants:\n  - client: ${'{'.repeat(MB)}\n` });
    const result = await validate(dir);
    expectInputError(result);
    expect(result.stderr).toContain(`${dir}/a.yaml:2:`);
    expect(result.stderr.length).toBeLessThan(4000);
  });

  it('a 1 MB line of `[` (the yaml library itself slows down and aborts with depth)', async () => {
    const { dir } = project({ 'grantsync.yaml': SETTINGS, 'a.yaml': `grants: ${'['.repeat(MB)}\n` });
    const result = await validate(dir);
    expectInputError(result);
    expect(result.stderr).toContain(`${dir}/a.yaml:1:`);
    expect(result.stderr).toContain('YAML nests more than 64 levels deep here');
  });

  it('a syntax error on a line with 1 MB of quoted `{`: the hint scans the line once', async () => {
    const { dir } = project({ 'grantsync.yaml': SETTINGS, 'a.yaml': `grants: [x] "${'{'.repeat(MB)}"\n` });
    const result = await validate(dir);
    expectInputError(result);
    expect(result.stderr).toContain(`${dir}/a.yaml:1:13: error: YAML syntax error`);
    expect(result.stderr.length).toBeLessThan(4000);
  });

  it('a 1 MB value of `${${${…` without a closing brace (the placeholder scan was quadratic)', async () => {
    const { dir } = project({ 'grantsync.yaml': SETTINGS, 'a.yaml': `grants:\n  - client: "${'${'.repeat(MB / 2)}"\n    audience: x\n    scope: []\n` });
    const result = await validate(dir, '--quiet');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('an unknown value quotes an excerpt of at most 80 characters', async () => {
    const long = `x${'y'.repeat(10_000)}`;
    const { dir } = project({ 'grantsync.yaml': SETTINGS, 'a.yaml': `${GRANT}    subject_type: ${long}\n` });
    const result = await validate(dir);
    expectInputError(result);
    expect(result.stderr).toContain(`is "x${'y'.repeat(79)}…", which is not one of`);
    expect(result.stderr).not.toContain('y'.repeat(81));
  });
});

describe('reads are capped and stay inside the repository', { timeout: 60_000 }, () => {
  it('a symbolic link to /etc/passwd is refused, and its content never printed', async () => {
    const { dir, root } = project({ 'grantsync.yaml': SETTINGS });
    symlinkSync('/etc/passwd', path.join(dir, 'a.yaml'));
    const result = await validate(dir);
    expectInputError(result);
    expect(result.stderr).toContain(`${dir}/a.yaml resolves to /etc/passwd, outside the repository (${root})`);
    expect(result.stderr).toContain('--allow-outside');
    expect(result.stderr).not.toContain('root:');
  });

  it('a symbolic link to /dev/zero is refused without reading it, even with --allow-outside', async () => {
    const { dir } = project({ 'grantsync.yaml': SETTINGS, 'a.yaml': GRANT });
    symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
    const fenced = await validate(dir);
    expectInputError(fenced);
    expect(fenced.stderr).toContain(`${dir}/zero.yaml resolves to /dev/zero, outside the repository`);
    const allowed = await validate(dir, '--allow-outside');
    expectInputError(allowed);
    expect(allowed.stderr).toContain(`${dir}/zero.yaml is not a regular file`);
  });

  it('a FIFO named like a grant file is refused, not waited on', async () => {
    const { dir } = project({ 'grantsync.yaml': SETTINGS, 'a.yaml': GRANT });
    execFileSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
    const result = await validate(dir);
    expectInputError(result);
    expect(result.stderr).toContain(`${dir}/pipe.yaml:1:1: error: ${dir}/pipe.yaml is not a regular file`);
  });

  it('`include:` cannot climb to / (it walked the whole disk and failed on EACCES as a "bug")', async () => {
    const { dir, root } = project({ 'grantsync.yaml': `${SETTINGS}include: [${'../'.repeat(10)}]\n`, 'a.yaml': GRANT });
    const result = await validate(dir);
    expectInputError(result);
    expect(result.stderr).toMatch(new RegExp(`${dir}/grantsync.yaml:2:\\d+: error: include "(\\.\\./)+" resolves to /, outside the repository \\(${root}\\)`));
  });

  it('includes and symbolic links inside the repository still work; --allow-outside reaches further', async () => {
    const { root, dir } = project({ 'grantsync.yaml': `${SETTINGS}include: [../shared]\n`, 'a.yaml': 'grants: []\n' });
    mkdirSync(path.join(root, 'shared'));
    mkdirSync(path.join(root, 'elsewhere-in-repo'));
    writeFileSync(path.join(root, 'shared', 'payments.yaml'), GRANT);
    // Another grant than the include's: validate --offline reports a grant declared twice (issue 19).
    writeFileSync(path.join(root, 'elsewhere-in-repo', 'mailer.yaml'), GRANT.replace('billing-worker', 'invoice-mailer'));
    symlinkSync(path.join(root, 'elsewhere-in-repo', 'mailer.yaml'), path.join(dir, 'linked.yaml'));
    const inside = await validate(dir);
    // The include and the link each hold a grant: two grants, so both were read.
    expect(inside.stdout).toContain('2 grants are valid');
    expect(inside.code).toBe(0);

    const elsewhere = mkdtempSync(path.join(tmpdir(), 'grantsync-elsewhere-'));
    writeFileSync(path.join(elsewhere, 'other.yaml'), GRANT.replace('billing-worker', 'invoice-mailer'));
    const outside = project({ 'grantsync.yaml': SETTINGS, 'a.yaml': GRANT });
    symlinkSync(path.join(elsewhere, 'other.yaml'), path.join(outside.dir, 'other.yaml'));
    expectInputError(await validate(outside.dir));
    const allowed = await validate(outside.dir, '--allow-outside');
    expect(allowed.stdout).toContain('2 grants are valid');
    expect(allowed.code).toBe(0);
  });

  it('inside git, the fence is the top level of the repository', async () => {
    const { root, dir } = project({ 'grantsync.yaml': `${SETTINGS}include: [../../team]\n`, 'a.yaml': 'grants: []\n' });
    const top = path.dirname(root);
    mkdirSync(path.join(top, 'team'));
    writeFileSync(path.join(top, 'team', 't.yaml'), GRANT);
    // Outside git the fence is the grants directory's parent (<tmp>/project): <tmp>/team is outside.
    expectInputError(await validate(dir));
    // With <tmp> a repository, <tmp>/team is inside it.
    mkdirSync(path.join(top, '.git'));
    const result = await validate(dir);
    expect(result.stdout).toContain('1 grants are valid');
    expect(result.code).toBe(0);
  });
});
