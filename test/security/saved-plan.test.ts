// Issue 16 finding 1: a hand-edited saved plan must never make apply do what the YAML, the settings and the
// tenant do not. The built CLI against the emulator: each tampering is refused before any write.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import { runCli } from '../helpers/cli.js';
import { DEMO_DEPLOYER, emulatorsClosedAfterEach, writeRequests } from '../helpers/emulator.js';

const MAPI = 'https://demo.grantsync.local/api/v2/';
const withEmulator = emulatorsClosedAfterEach();

interface Setup {
  emulator: Emulator;
  env: Record<string, string>;
  dir: string;
  planFile: string;
  saved: SavedJson;
}

interface SavedJson {
  changes: Record<string, unknown>[];
  summary: Record<string, number>;
  [key: string]: unknown;
}

/** The demo tenant and a copy of grants/, planned with --out. */
async function planned(edit?: (dir: string) => void): Promise<Setup> {
  const { emulator, env } = await withEmulator();
  const dir = mkdtempSync(path.join(tmpdir(), 'grantsync-saved-'));
  cpSync(path.resolve('grants'), dir, { recursive: true });
  edit?.(dir);
  const planFile = path.join(dir, '..', `plan-${path.basename(dir)}.json`);
  const result = await runCli(['plan', '--dir', dir, '--out', planFile], { env });
  expect(result.code, result.stderr).toBe(0);
  return { emulator, env, dir, planFile, saved: JSON.parse(readFileSync(planFile, 'utf8')) as SavedJson };
}

async function applyTampered(setup: Setup, tamper: (saved: SavedJson) => void) {
  tamper(setup.saved);
  writeFileSync(setup.planFile, JSON.stringify(setup.saved, null, 2));
  const result = await runCli(['apply', '--dir', setup.dir, '--plan', setup.planFile], { env: setup.env });
  return result;
}

function change(overrides: Record<string, unknown>): Record<string, unknown> {
  return { action: 'delete', client_name: null, subject_type: 'client', before: { scope: [] }, after: null, flags: [], ...overrides };
}

describe('apply --plan recomputes and compares (a saved plan is a promise)', () => {
  it('refuses a file that adds a delete of grantsync\'s own Management API grant', async () => {
    const setup = await planned();
    const own = setup.emulator.store.state.grants.find((g) => g.client_id === DEMO_DEPLOYER.clientId)!;
    const result = await applyTampered(setup, (s) => {
      s.changes.push(change({ client_id: DEMO_DEPLOYER.clientId, client_name: 'grantsync-deployer', audience: MAPI, before: { scope: own.scope } }));
      s.summary.delete! += 1;
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("is not the plan that today's YAML, settings and tenant produce; nothing was changed.");
    expect(result.stderr).toContain('saved: delete grantsync-deployer (gsDeployer00000000000000000000Ab) → https://demo.grantsync.local/api/v2/');
    expect(result.stderr).toContain('today: (no such change)');
    expect(writeRequests(setup.emulator)).toBe(0);
    expect(setup.emulator.store.state.grants.some((g) => g.id === own.id)).toBe(true);
  });

  it('refuses a file that deletes an excluded client\'s grant', async () => {
    const setup = await planned();
    const legacy = setup.emulator.store.state.grants.find((g) => g.client_id === 'legBatch6666666666666666666666F')!;
    const result = await applyTampered(setup, (s) => {
      s.changes.push(change({ client_id: legacy.client_id, client_name: 'legacy-batch', audience: legacy.audience, before: { scope: legacy.scope } }));
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('saved: delete legacy-batch (legBatch6666666666666666666666F)');
    expect(writeRequests(setup.emulator)).toBe(0);
  });

  it('refuses a file that creates a Management API grant whose flags were emptied', async () => {
    const setup = await planned();
    const result = await applyTampered(setup, (s) => {
      s.changes.push(
        change({ action: 'create', client_id: 'rptEtl333333333333333333333333C', client_name: 'reporting-etl', audience: MAPI, before: null, after: { scope: ['create:client_grants', 'update:clients'] } }),
      );
      s.summary.create! += 1;
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('saved: create reporting-etl (rptEtl333333333333333333333333C) → https://demo.grantsync.local/api/v2/ (client): none → {"scope":["create:client_grants","update:clients"]}');
    expect(writeRequests(setup.emulator)).toBe(0);
    expect(setup.emulator.store.state.grants.some((g) => g.client_id === 'rptEtl333333333333333333333333C' && g.audience === MAPI)).toBe(false);
  });

  it('refuses a file whose flags were removed from a reviewed privilege increase', async () => {
    const setup = await planned();
    expect(setup.saved.changes.some((c) => (c.flags as string[]).includes('privilege-increase'))).toBe(true);
    const result = await applyTampered(setup, (s) => {
      for (const c of s.changes) c.flags = [];
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[privilege-increase]');
    expect(writeRequests(setup.emulator)).toBe(0);
  });

  it('refuses a spoofed client name, and prints the file\'s values escaped', async () => {
    const setup = await planned();
    const result = await applyTampered(setup, (s) => {
      s.changes[0]!.client_name = 'trusted-service\u001b[2K\r::error::spoofed';
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('trusted-service\\u{1b}[2K\\u{d}::error::spoofed');
    expect(result.stderr).not.toContain('\u001b');
    expect(result.stderr).not.toMatch(/^::/m);
    expect(writeRequests(setup.emulator)).toBe(0);
  });

  it('takes the deletion budget from grantsync.yaml, never from the file', async () => {
    const setup = await planned((dir) => {
      const settings = path.join(dir, 'grantsync.yaml');
      writeFileSync(settings, readFileSync(settings, 'utf8').replace('max_deletes: 5', 'max_deletes: 0'));
    });
    const untouched = await runCli(['apply', '--dir', setup.dir, '--plan', setup.planFile], { env: setup.env });
    expect(untouched.code).toBe(1);
    expect(untouched.stderr).toContain('the plan deletes 1 grant and removes 1 organization association (2 removals), more than max_deletes (0); nothing was changed.');

    const result = await applyTampered(setup, (s) => {
      s.max_deletes = 99;
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('not a grantsync plan file: must NOT have additional properties');
    expect(writeRequests(setup.emulator)).toBe(0);
  });

  it('refuses a plan made against another tenant state, an old format, and a file that is not a plan', async () => {
    const setup = await planned();
    const old = await applyTampered(setup, (s) => {
      s.format = 'grantsync-plan/1';
    });
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('the plan file has format "grantsync-plan/1", written by another version of grantsync');

    writeFileSync(setup.planFile, '{"format":"grantsync-plan/2","changes":"all"}');
    const junk = await runCli(['apply', '--dir', setup.dir, '--plan', setup.planFile], { env: setup.env });
    expect(junk.code).toBe(1);
    expect(junk.stderr).toContain('not a grantsync plan file');

    const device = await runCli(['apply', '--dir', setup.dir, '--plan', '/dev/zero'], { env: setup.env });
    expect(device.code).toBe(1);
    expect(device.stderr).toContain('plan file /dev/zero is not a regular file');
    expect(writeRequests(setup.emulator)).toBe(0);
  });

  it('applies an untouched saved plan, even re-serialised with its keys in another order', async () => {
    const setup = await planned();
    const reordered = Object.fromEntries(Object.entries(setup.saved).reverse());
    writeFileSync(setup.planFile, JSON.stringify(reordered));
    const result = await runCli(['apply', '--dir', setup.dir, '--plan', setup.planFile], { env: setup.env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Verified: the tenant now matches the YAML.');
  });
});

describe('apply --expect <digest>', () => {
  it('applies only the approved change set', async () => {
    const setup = await planned();
    const digest = setup.saved.digest as string;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    // The tenant moves after the approval: the same YAML now makes another change set.
    const mailer = setup.emulator.store.state.grants.find((g) => g.client_id === 'invMailer2222222222222222222222B' && g.audience.endsWith('/payments'))!;
    setup.emulator.store.updateGrant(mailer.id, { scope: ['read:invoices', 'write:invoices'] });
    const refused = await runCli(['apply', '--dir', setup.dir, '--expect', digest], { env: setup.env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`error: apply refused: the plan changed since it was approved: the approved change set is ${digest}, today's is sha256:`);
    expect(writeRequests(setup.emulator)).toBe(0);

    const bad = await runCli(['apply', '--dir', setup.dir, '--expect', 'sha256:`rm -rf`'], { env: setup.env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--expect takes a change set digest');

    const fresh = JSON.parse((await runCli(['plan', '--dir', setup.dir, '--format', 'json'], { env: setup.env })).stdout) as { digest: string };
    const applied = await runCli(['apply', '--dir', setup.dir, '--expect', fresh.digest], { env: setup.env });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Verified: the tenant now matches the YAML.');
  });
});
