// The plan as JSON (src/plan/json.ts), field by field: default grants without a client id, names,
// replaces, organizations, the budget, refusals and variables from the environment only when set.
import { describe, expect, it } from 'vitest';
import type { Change, Plan } from '../../src/model/types.js';
import { toJsonPlan } from '../../src/plan/json.js';

const base: Plan = {
  tenant: 'login.acme.com', fingerprint: 'fp', digest: 'dg', changes: [], unmanagedByReason: { system: 2 },
  summary: { create: 1, update: 0, delete: 0, replace: 0, unchanged: 3, unmanaged: 2 },
};
const change = (extra: Partial<Change> = {}): Change => ({
  action: 'create', client_id: 'billing', audience: 'https://api', subject_type: 'client', flags: [], before: null, after: { scope: ['a'] }, ...extra,
});

describe('toJsonPlan', () => {
  it('the plan without extras: no budget, refusals or variables keys; tenant_name null', () => {
    const json = toJsonPlan(base);
    expect(json).toEqual({ tenant: 'login.acme.com', tenant_name: null, fingerprint: 'fp', digest: 'dg', summary: base.summary, changes: [] });
    expect(json.summary).not.toBe(base.summary);
  });

  it.each<[string, Partial<Change>, object]>([
    ['a client grant', { client_name: 'billing-worker' }, { action: 'create', client_id: 'billing', client_name: 'billing-worker', audience: 'https://api', subject_type: 'client', before: null, after: { scope: ['a'] }, flags: [] }],
    ['without a name', {}, { client_id: 'billing', client_name: null }],
    ['a default grant', { client_id: '', default_for: 'third_party_clients' }, { client_id: null, default_for: 'third_party_clients' }],
    ['a replace', { action: 'replace', subject_type: 'user', replaces_subject_type: 'client', flags: ['wildcard'] }, { action: 'replace', replaces_subject_type: 'client', flags: ['wildcard'] }],
    ['organizations', { organization_lines: [{ sign: '+', id: 'org_1', name: 'acme' }, { sign: '-', id: 'org_2', name: 'org_2' }] }, {
      organizations: [{ change: '+', id: 'org_1', name: 'acme' }, { change: '-', id: 'org_2', name: 'org_2' }],
    }],
  ])('a change: %s', (_name, extra, expected) => {
    const [json] = toJsonPlan({ ...base, changes: [change(extra)] }).changes;
    expect(json).toMatchObject(expected);
    if (!extra.default_for) expect(json).not.toHaveProperty('default_for');
    if (!extra.replaces_subject_type) expect(json).not.toHaveProperty('replaces_subject_type');
    if (!extra.organization_lines) expect(json).not.toHaveProperty('organizations');
  });

  it('the flags are a copy', () => {
    const c = change({ flags: ['privilege-increase'] });
    const [json] = toJsonPlan({ ...base, changes: [c] }).changes;
    json!.flags.push('wildcard');
    expect(c.flags).toEqual(['privilege-increase']);
  });

  it('the budget, refusals and variables when set', () => {
    const json = toJsonPlan({
      ...base,
      tenantName: 'acme.eu.auth0.com',
      budget: { maxDeletes: 60, source: 'label', pullRequest: 7 },
      refusals: [{ rule: 'max-deletes', reason: 'r', advice: 'a' }],
      varsFromEnvironment: ['HOST'],
    });
    expect(json).toMatchObject({
      tenant_name: 'acme.eu.auth0.com',
      budget: { max_deletes: 60, source: 'label', pull_request: 7 },
      refusals: [{ rule: 'max-deletes', reason: 'r', advice: 'a' }],
      vars_from_environment: ['HOST'],
    });
    expect(toJsonPlan({ ...base, budget: { maxDeletes: 5, source: 'settings' } }).budget).toEqual({ max_deletes: 5, source: 'settings' });
    expect(toJsonPlan({ ...base, refusals: [], varsFromEnvironment: [] })).toMatchObject({ refusals: [], vars_from_environment: [] });
  });
});
