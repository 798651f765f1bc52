// Expiring grants through the CLI (in process, with a fixed clock) against the emulator: the plan
// removes what expired, labelled, in text and JSON; `expires in N days` warnings name the file:line,
// online and offline; apply makes the removal; a bad day is a file:line error and nothing is written.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import { withEmulator, writeRequests } from '../helpers/emulator.js';
import { runInProcess } from '../helpers/inprocess.js';

let running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.map((e) => e.close()));
  running = [];
});

/** The demo's grants, with billing-worker's write:refunds expiring on 2027-01-31 and the ledger grant on 2027-02-05. */
function grantsDirectory(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'grantsync-expiry-')), 'grants');
  cpSync(path.resolve('grants'), dir, { recursive: true });
  const payments = path.join(dir, 'payments.yaml');
  writeFileSync(payments, readFileSync(payments, 'utf8').replace('scope: [read:invoices, write:refunds]', 'scope: [read:invoices, {name: write:refunds, expires: 2027-01-31}]'));
  const ledger = path.join(dir, 'ledger.yaml');
  writeFileSync(ledger, `${readFileSync(ledger, 'utf8')}    expires: 2027-02-05\n`);
  return dir;
}

const at = (day: string): { now: Date } => ({ now: new Date(`${day}T12:00:00Z`) });

describe('expiring grants, end to end', () => {
  it('before the day: no removal, and a warning at the file:line', async () => {
    const { emulator, env } = await withEmulator();
    running.push(emulator);
    const dir = grantsDirectory();
    // Apply the demo first so that only the expiry can make a change.
    expect((await runInProcess(['apply', '--dir', dir, '--auto-approve', '-q'], env, undefined, at('2027-01-01'))).code).toBe(0);
    const plan = await runInProcess(['plan', '--dir', dir, '-q'], env, undefined, at('2027-01-30'));
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.stdout).toContain('payments.yaml:6: billing-worker → https://api.example.com/payments: write:refunds expires in 1 day (2027-01-31)');
    expect(plan.stderr).toMatch(/payments\.yaml:6:\d+: warning: scope "write:refunds" of "billing-worker" → "https:\/\/api\.example\.com\/payments" expires in 1 day \(2027-01-31\)/);
    expect(plan.stderr).toMatch(/ledger\.yaml:7:14: warning: the grant "reporting-etl" → "https:\/\/api\.example\.com\/ledger" expires in 6 days \(2027-02-05\)/);
    const offline = await runInProcess(['validate', '--offline', '--dir', dir], {}, undefined, at('2027-01-30'));
    expect(offline.code).toBe(0);
    expect(offline.stderr).toContain('expires in 1 day (2027-01-31)');
  });

  it('on the day: the plan removes it, labelled, and apply makes the removal', async () => {
    const { emulator, env } = await withEmulator();
    running.push(emulator);
    const dir = grantsDirectory();
    expect((await runInProcess(['apply', '--dir', dir, '--auto-approve', '-q'], env, undefined, at('2027-01-01'))).code).toBe(0);
    const text = await runInProcess(['plan', '--dir', dir, '-q'], env, undefined, at('2027-01-31'));
    expect(text.stdout).toContain('- write:refunds  (expired on 2027-01-31)');
    const json = await runInProcess(['plan', '--dir', dir, '-q', '--format', 'json'], env, undefined, at('2027-02-05'));
    const plan = JSON.parse(json.stdout) as { changes: { action: string; client_name: string; expired?: unknown }[] };
    expect(plan.changes.map((c) => [c.action, c.client_name, c.expired])).toEqual([
      ['delete', 'reporting-etl', [{ scope: null, expired_on: '2027-02-05' }]],
      ['update', 'billing-worker', [{ scope: 'write:refunds', expired_on: '2027-01-31' }]],
    ]);
    const apply = await runInProcess(['apply', '--dir', dir, '--auto-approve', '-q'], env, undefined, at('2027-02-05'));
    expect(apply.code, apply.stderr).toBe(0);
    const after = await runInProcess(['plan', '--dir', dir, '-q'], env, undefined, at('2027-02-05'));
    expect(after.stdout).toContain('No changes.');
  });

  it('a day that does not exist is an error at its file:line, and nothing is written', async () => {
    const { emulator, env } = await withEmulator();
    running.push(emulator);
    const dir = grantsDirectory();
    const ledger = path.join(dir, 'ledger.yaml');
    writeFileSync(ledger, readFileSync(ledger, 'utf8').replace('2027-02-05', '2027-02-30'));
    const result = await runInProcess(['apply', '--dir', dir, '--auto-approve'], env, undefined, at('2027-01-01'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ledger.yaml:7:14: error: `grants[0].expires` is "2027-02-30", which is not a day of the calendar');
    expect(writeRequests(emulator)).toBe(0);
  });
});
