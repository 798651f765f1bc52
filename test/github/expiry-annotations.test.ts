// In Actions, an entry that expires within 14 days is a `::warning` on its YAML line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishPlanToActions } from '../../src/github/actions.js';
import type { Plan } from '../../src/model/types.js';

const saved = { output: process.env.GITHUB_OUTPUT, summary: process.env.GITHUB_STEP_SUMMARY };
beforeEach(() => {
  const work = mkdtempSync(path.join(tmpdir(), 'grantsync-annotations-'));
  writeFileSync(path.join(work, 'output.txt'), '');
  process.env.GITHUB_OUTPUT = path.join(work, 'output.txt');
  delete process.env.GITHUB_STEP_SUMMARY;
});
afterEach(() => {
  for (const [name, value] of [['GITHUB_OUTPUT', saved.output], ['GITHUB_STEP_SUMMARY', saved.summary]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const plan: Plan = {
  tenant: 't',
  fingerprint: 'sha256:0',
  digest: 'sha256:0',
  summary: { create: 0, update: 0, delete: 0, replace: 0, unchanged: 1, unmanaged: 0 },
  changes: [],
  unmanagedByReason: {},
  expiring: [
    { client: 'billing-worker', audience: 'https://api', scope: 'write:refunds', expires: '2027-01-31', days: 1, location: { file: 'grants/payments.yaml', line: 6, column: 57 } },
    { client: 'etl', audience: 'https://ledger', scope: null, expires: '2027-02-05', days: 6, location: { file: 'grants/ledger.yaml', line: 7, column: 14 } },
  ],
};

describe('expiry annotations', () => {
  it('one ::warning per expiring entry, at its file, line and column', async () => {
    const commands: string[] = [];
    await publishPlanToActions(plan, '', { command: (line) => commands.push(line), redact: (text) => text }, { annotate: true });
    expect(commands).toEqual([
      '::warning title=grantsync,file=grants/payments.yaml,line=6,col=57::scope write:refunds expires in 1 day (2027-01-31); from that day grantsync removes it',
      '::warning title=grantsync,file=grants/ledger.yaml,line=7,col=14::this grant expires in 6 days (2027-02-05); from that day grantsync removes it',
    ]);
  });
});
