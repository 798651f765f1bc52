// `expires:` on a grant or one scope: how the files say it, what a day means (absent from it on,
// UTC), the "expires in N days" warnings and the "expired on" labels, with fixed days (no clock).
import { beforeEach, describe, expect, it } from 'vitest';
import { planFromState } from '../../src/engine.js';
import type { DeclaredGrant, TenantSnapshot } from '../../src/model/types.js';
import { formatProblem } from '../../src/render/problems.js';
import { applyExpiry, daysUntil, expiryWarnings, utcDay } from '../../src/resolve/expiry.js';
import { load, SETTINGS } from '../helpers/directory.js';

const PAY = 'https://api.example.com/payments';
const FILE = `grants:
  - client: billing-worker
    audience: ${PAY}
    scope: [read:invoices, {name: write:refunds, expires: 2027-01-31}]
  - client: old-exporter
    audience: ${PAY}
    scope: [read:invoices]
    expires: 2027-01-20
`;

function declared(text = FILE): DeclaredGrant[] {
  const result = load({ 'grantsync.yaml': SETTINGS, 'pay.yaml': text });
  if (!result.ok) throw new Error(result.problems.map((p) => formatProblem(p)).join('\n'));
  return result.state.grants;
}

function problems(text: string): string[] {
  const result = load({ 'grantsync.yaml': SETTINGS, 'pay.yaml': text });
  return result.ok ? [] : result.problems.map((p) => formatProblem({ ...p, hint: undefined }));
}

const one = (scope: string, extra = ''): string => `grants:\n  - client: a\n    audience: x\n    scope: ${scope}\n${extra}`;

describe('expires in the files', () => {
  it('reads a grant day and a scope day, with their lines', () => {
    const [billing, old] = declared();
    expect(billing!.scope).toEqual(['read:invoices', 'write:refunds']);
    expect(billing!.scopeExpiries).toEqual({ 'write:refunds': '2027-01-31' });
    expect(billing!.fieldLocations['scope.1.expires']).toMatchObject({ file: 'grants/pay.yaml', line: 4 });
    expect(old!.expires).toBe('2027-01-20');
    expect(old!.fieldLocations.expires).toMatchObject({ file: 'grants/pay.yaml', line: 8, column: 14 });
  });

  it('refuses days in another shape, days the calendar lacks, and a scope listed twice', () => {
    expect(problems(one('[]', '    expires: 2027-1-31\n'))).toEqual(['grants/pay.yaml:5:14: error: `grants[0].expires` is "2027-1-31", which is not a day written YYYY-MM-DD']);
    expect(problems(one('[]', '    expires: 31.01.2027\n'))).toEqual(['grants/pay.yaml:5:14: error: `grants[0].expires` is "31.01.2027", which is not a day written YYYY-MM-DD']);
    expect(problems(one('[]', '    expires: 2027-02-29\n'))).toEqual(['grants/pay.yaml:5:14: error: `grants[0].expires` is "2027-02-29", which is not a day of the calendar']);
    expect(problems(one('[{name: a, expires: 2027-13-01}]'))).toEqual(['grants/pay.yaml:4:32: error: `grants[0].scope[0].expires` is "2027-13-01", which is not a day of the calendar']);
    expect(problems(one('[a, {name: a, expires: 2027-01-01}]'))).toEqual(['grants/pay.yaml:4:16: error: `grants[0].scope` lists "a" twice (items 1 and 2)']);
    expect(problems(one('[{name: a}]'))).toEqual(['grants/pay.yaml:4:13: error: `grants[0].scope[0]` is missing `expires`']);
    expect(problems(one('[{name: a, expires: 2027-01-01, until: 2028-01-01}]'))).toEqual(['grants/pay.yaml:4:44: error: unknown key `until` in `grants[0].scope[0]`']);
    expect(problems(one('[]', '    expires: 20270131\n'))).toEqual(['grants/pay.yaml:5:14: error: `grants[0].expires` must be a string, but it is the number 20270131']);
  });
});

describe('what a day means', () => {
  it('counts whole UTC days', () => {
    expect(daysUntil('2027-01-31', '2027-01-17')).toBe(14);
    expect(daysUntil('2027-03-01', '2027-02-28')).toBe(1);
    expect(daysUntil('2027-01-31', '2027-02-01')).toBe(-1);
    expect(utcDay(new Date('2027-01-30T23:59:59-05:00'))).toBe('2027-01-31');
  });

  it('is absent ON its day, not the day after', () => {
    const grants = declared();
    const before = applyExpiry(grants, '2027-01-19');
    expect(before.grants.map((g) => g.client)).toEqual(['billing-worker', 'old-exporter']);
    const on = applyExpiry(grants, '2027-01-20');
    expect(on.grants.map((g) => g.client)).toEqual(['billing-worker']);
    expect(on.expired.map((e) => [e.grant.client, e.scope, e.expired_on])).toEqual([['old-exporter', null, '2027-01-20']]);
    const scope = applyExpiry(grants, '2027-01-31');
    expect(scope.grants[0]!.scope).toEqual(['read:invoices']);
    expect(scope.expired.map((e) => [e.grant.client, e.scope])).toEqual([['billing-worker', 'write:refunds'], ['old-exporter', null]]);
  });

  it('warns from 14 days before the day until the day before', () => {
    const grants = declared();
    expect(applyExpiry(grants, '2027-01-16').expiring.map((e) => [e.scope, e.days])).toEqual([[null, 4]]);
    expect(applyExpiry(grants, '2027-01-17').expiring.map((e) => [e.scope, e.days])).toEqual([['write:refunds', 14], [null, 3]]);
    expect(applyExpiry(grants, '2027-01-05').expiring).toEqual([]);
    expect(applyExpiry(grants, '2027-01-06').expiring.map((e) => e.days)).toEqual([14]);
    expect(applyExpiry(grants, '2027-01-19').expiring.map((e) => [e.scope, e.days])).toEqual([['write:refunds', 12], [null, 1]]);
    const lines = expiryWarnings(applyExpiry(grants, '2027-01-30')).map((p) => formatProblem({ ...p, hint: undefined }));
    expect(lines).toEqual([
      'grants/pay.yaml:8:14: warning: the grant "old-exporter" → "https://api.example.com/payments" expired on 2027-01-20: it is treated as absent, and the plan removes it from the tenant',
      'grants/pay.yaml:4:59: warning: scope "write:refunds" of "billing-worker" → "https://api.example.com/payments" expires in 1 day (2027-01-31); from that day grantsync treats it as absent and removes it',
    ]);
  });
});

describe('the plan', () => {
  const tenant: TenantSnapshot = {
    clients: [
      { client_id: 'billing', name: 'billing-worker' },
      { client_id: 'old', name: 'old-exporter' },
    ],
    resourceServers: [{ identifier: PAY, scopes: ['read:invoices', 'write:refunds'] }],
    grants: [
      { id: 'g1', client_id: 'billing', audience: PAY, scope: ['read:invoices', 'write:refunds'] },
      { id: 'g2', client_id: 'old', audience: PAY, scope: ['read:invoices'] },
    ],
  };
  let settings!: Extract<ReturnType<typeof load>, { ok: true }>;
  beforeEach(() => {
    const loaded = load({ 'grantsync.yaml': SETTINGS, 'pay.yaml': FILE });
    if (!loaded.ok) throw new Error('fixture');
    settings = loaded;
  });

  it('removes what expired, labelled with its day, and keeps the rest', () => {
    const { plan, warnings } = planFromState(settings.state, tenant, { tenantName: 't', today: '2027-01-31' });
    expect(plan.changes.map((c) => [c.action, c.client_id, c.expired])).toEqual([
      ['update', 'billing', [{ scope: 'write:refunds', expired_on: '2027-01-31' }]],
      ['delete', 'old', [{ scope: null, expired_on: '2027-01-20' }]],
    ]);
    expect(plan.expiring).toEqual([]);
    expect(warnings.map((w) => w.message)).toHaveLength(2);
  });

  it('changes nothing before the day, and says what is coming', () => {
    const { plan } = planFromState(settings.state, tenant, { tenantName: 't', today: '2027-01-18' });
    expect(plan.changes).toEqual([]);
    expect(plan.expiring!.map((e) => [e.client, e.scope, e.expires, e.days, e.location.line])).toEqual([
      ['billing-worker', 'write:refunds', '2027-01-31', 13, 4],
      ['old-exporter', null, '2027-01-20', 2, 8],
    ]);
  });
});
