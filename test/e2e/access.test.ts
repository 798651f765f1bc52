// `grantsync access` on the demo tenant, checked against a brute-force reading of the live grants.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isWriteLike } from '../../src/review/access.js';
import { runCli } from '../helpers/cli.js';
import { emulatorsClosedAfterEach, writeRequests } from '../helpers/emulator.js';

const withEmulator = emulatorsClosedAfterEach();

interface AccessJson {
  pending_changes: number;
  clients: {
    client_id: string | null;
    default_for?: string;
    client_name: string | null;
    apis: { audience: string; subject_type: string; all_scopes: boolean; scopes: { scope: string; status: string }[]; organizations?: { name: string; status: string }[] }[];
  }[];
  apis: { audience: string; scopes: { scope: string; holders: { client_id: string | null; default_for?: string }[] }[] }[];
}

describe('grantsync access', () => {
  it('answers who can reach what, as the live grants say after apply, and writes nothing', { timeout: 90_000 }, async () => {
    const { emulator, env } = await withEmulator();
    const dir = mkdtempSync(path.join(tmpdir(), 'grantsync-access-'));
    cpSync(path.resolve('grants'), dir, { recursive: true });

    const before = JSON.parse((await runCli(['access', '--dir', dir, '--format', 'json'], { env })).stdout) as AccessJson;
    expect(before.pending_changes).toBeGreaterThan(0);
    expect((await runCli(['apply', '--dir', dir], { env })).code).toBe(0);
    const writesAfterApply = writeRequests(emulator);

    const result = await runCli(['access', '--dir', dir, '--format', 'json'], { env });
    expect(result.code, result.stderr).toBe(0);
    const access = JSON.parse(result.stdout) as AccessJson;
    expect(access.pending_changes).toBe(0);
    // The answer before the apply (the YAML's view) equals the tenant after it.
    expect(before.clients.map((c) => [c.client_id, c.apis.filter((a) => a.scopes.every((s) => s.status !== 'removed'))]).length).toBe(access.clients.length);

    // Brute force: every live grant, straight from the emulator's store; a default grant is held by
    // "default:<default_for>", and a grant's organizations are the names of those it is associated with.
    const live = emulator.store.state.grants;
    const who = (g: { client_id?: string | null; default_for?: string }): string => g.client_id ?? `default:${g.default_for}`;
    const organizationName = new Map((emulator.store.state.organizations ?? []).map((o) => [o.id, o.name]));
    const associated = (grantId: string): string[] =>
      Object.entries(emulator.store.state.organizationGrants ?? {}).filter(([, grants]) => grants.includes(grantId)).map(([org]) => organizationName.get(org)!).sort();
    const expected = new Map<string, Map<string, { scopes: string[]; organizations: string[] }>>();
    for (const g of live) {
      const apis = expected.get(who(g)) ?? new Map<string, { scopes: string[]; organizations: string[] }>();
      apis.set(`${g.audience} ${g.subject_type ?? 'client'}`, { scopes: [...(g.scope ?? [])].sort(), organizations: associated(g.id) });
      expected.set(who(g), apis);
    }
    const got = new Map(
      access.clients.map((c) => [
        who(c),
        new Map(c.apis.map((a) => [`${a.audience} ${a.subject_type}`, { scopes: a.scopes.map((s) => s.scope).sort(), organizations: (a.organizations ?? []).map((o) => o.name).sort() }])),
      ]),
    );
    expect(got).toEqual(expected);
    expect(expected.get('default:third_party_clients')).toBeDefined();
    expect([...expected.values()].some((apis) => [...apis.values()].some((a) => a.organizations.length > 0))).toBe(true);
    for (const api of access.apis) {
      for (const { scope, holders } of api.scopes) {
        const brute = live.filter((g) => g.audience === api.audience && (g.scope ?? []).includes(scope)).map(who).sort();
        expect(isWriteLike(scope)).toBe(true);
        expect(holders.map(who).sort()).toEqual(brute);
      }
    }

    const payments = await runCli(['access', '--dir', dir, '--api', 'https://api.example.com/payments'], { env });
    expect(payments.stdout).toContain('billing-worker can call https://api.example.com/payments with read:invoices, write:refunds');
    expect(payments.stdout).not.toContain('https://api.example.com/ledger');
    const one = await runCli(['access', '--dir', dir, '--client', 'billing-worker', '--format', 'markdown'], { env });
    expect(one.stdout).toContain('### grantsync access for');
    expect(one.stdout).not.toContain('invoice-mailer');
    expect(writeRequests(emulator)).toBe(writesAfterApply);
  });
});
