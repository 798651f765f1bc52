// The tenant by name: plans show the name the tenant gives itself (its Management API audience) with
// the address it was reached at, in text, markdown and JSON; export pins the address, which is what a
// run compares `tenant:` with, and names the tenant in a comment.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { DEMO_SEED, emulatorsClosedAfterEach } from '../helpers/emulator.js';

const withEmulator = emulatorsClosedAfterEach();

async function demo() {
  const started = await withEmulator();
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'grantsync-name-')), 'grants');
  cpSync(path.resolve('grants'), dir, { recursive: true });
  return { ...started, dir, address: new URL(started.emulator.url).host };
}

describe('the tenant by name', () => {
  it('text, markdown and json name the tenant and the address it was reached at', { timeout: 90_000 }, async () => {
    const { env, dir, address } = await demo();
    expect(DEMO_SEED.tenant).toBe('demo.grantsync.local');
    const text = await runCli(['plan', '--dir', dir, '--quiet'], { env });
    expect(text.stdout.split('\n')[0]).toBe(`grantsync plan for demo.grantsync.local (at ${address})`);
    const markdown = await runCli(['plan', '--dir', dir, '--quiet', '--format', 'markdown'], { env });
    expect(markdown.stdout.split('\n')[0]).toBe(`### grantsync plan for \`demo.grantsync.local\` (at \`${address}\`)`);
    const json = JSON.parse((await runCli(['plan', '--dir', dir, '--quiet', '--format', 'json'], { env })).stdout);
    // `tenant` keeps its meaning (the address, what `tenant:` pins); the name is a field of its own.
    expect(json).toMatchObject({ tenant: address, tenant_name: 'demo.grantsync.local' });
    const validate = await runCli(['validate', '--dir', dir], { env });
    expect(validate.stdout).toContain(`valid against demo.grantsync.local (at ${address})`);
  });

  it('export pins the address (the pin rule) and names the tenant in a comment; the next plan passes the pin', { timeout: 90_000 }, async () => {
    const { env, address } = await demo();
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'grantsync-name-export-')), 'grants');
    const exported = await runCli(['export', '--dir', out, '--quiet'], { env });
    expect(exported.code).toBe(0);
    const settings = readFileSync(path.join(out, 'grantsync.yaml'), 'utf8');
    expect(settings).toContain(`\ntenant: "${address}"  # tenant demo.grantsync.local, reached at this address\n`);
    const plan = await runCli(['plan', '--dir', out, '--quiet'], { env });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(`grantsync plan for demo.grantsync.local (at ${address})`);
    expect(plan.stdout).toContain('No changes.');
  });
});
