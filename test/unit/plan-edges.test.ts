// The plan's edges in-process: reach flags and association lines per action, the tenant's name, the
// budget in JSON, the unknown-client and lock-out rails when nothing trips them, the saved plan's
// parsing and comparison field by field, and the warnings for grants with unknown fields.
import { describe, expect, it } from 'vitest';
import { loadSavedPlanSchema } from '../../src/config/schemas.js';
import { unknownFieldWarnings, unmanagedReason } from '../../src/diff/ownership.js';
import { InputError } from '../../src/errors.js';
import type { Change, GrantState, LiveGrant, Ownership, Plan } from '../../src/model/types.js';
import { toJsonPlan } from '../../src/plan/json.js';
import { buildPlan, organizationLines, reachFlags } from '../../src/plan/plan.js';
import { applyRefusals, countRemovals } from '../../src/plan/refusals.js';
import { canonicalJson, compareWithSaved, parseSavedPlan, SAVED_PLAN_FORMAT, toSavedPlan, type SavedPlan } from '../../src/plan/saved.js';

const MAPI = 'https://acme/api/v2/';
const all: GrantState = { scope: [], allow_all_scopes: true };
const some: GrantState = { scope: ['a'] };
const change = (action: Change['action'], before: GrantState | null, after: GrantState | null, over: Partial<Change> = {}): Change => ({
  action, client_id: 'c1', audience: 'https://api', subject_type: 'client', before, after, flags: [], ...over,
});
const third = { client_id: '', default_for: 'third_party_clients' as const };

describe('reachFlags', () => {
  it.each<[string, Change, string[]]>([
    ['a create with every scope', change('create', null, all), ['wildcard']],
    ['a create with some', change('create', null, some), []],
    ['an update to every scope', change('update', some, all), ['wildcard']],
    ['an update that keeps every scope', change('update', all, { ...all, organization_usage: 'allow' }), []],
    ['an update from every scope to some', change('update', all, some), []],
    ['a replace that keeps every scope (the new grant gains it)', change('replace', all, all, { subject_type: 'user', replaces_subject_type: 'client' }), ['wildcard']],
    ['a default grant created', change('create', null, some, third), ['fleet-wide']],
    ['a default grant updated to every scope', change('update', some, all, third), ['wildcard', 'fleet-wide']],
    ['a default grant deleted', change('delete', all, null, third), []],
    ['a delete', change('delete', all, null), []],
  ])('%s', (_name, c, flags) => {
    expect(reachFlags(c)).toEqual(flags);
  });
});

describe('organizationLines', () => {
  const names = new Map([['o1', 'one']]);
  const orgs = (...organizations: string[]): GrantState => ({ scope: [], organization_usage: 'allow', organizations });
  it.each<[string, Change, string[]]>([
    ['an update: removed, then added, by name or id', change('update', orgs('o1', 'o2'), orgs('o3', 'o1')), ['- o2 o2', '+ o3 o3']],
    ['a create: all of them', change('create', null, orgs('o1')), ['+ o1 one']],
    ['a replace: the new grant has none yet', change('replace', orgs('o1'), orgs('o1')), ['+ o1 one']],
    ['a delete: they go with the grant', change('delete', orgs('o1'), null), []],
  ])('%s', (_name, c, lines) => {
    expect(organizationLines(c, names).map((l) => `${l.sign} ${l.id} ${l.name}`)).toEqual(lines);
  });
});

describe('buildPlan and JSON', () => {
  const diff = { changes: [], unchanged: 0, managed: [], unmanagedByReason: {} };
  it('carries the tenant\'s name only when there is one', () => {
    const plan = buildPlan({ tenant: 'h', tenantName: 'acme', diff, clientNames: new Map(), systemAudiences: new Set() });
    expect(plan.tenantName).toBe('acme');
    expect('tenantName' in buildPlan({ tenant: 'h', diff, clientNames: new Map(), systemAudiences: new Set() })).toBe(false);
  });

  it('the budget with and without its pull request', () => {
    const base: Plan = { tenant: 'h', fingerprint: 'f', digest: 'd', changes: [], unmanagedByReason: {}, summary: { create: 0, update: 0, delete: 0, replace: 0, unchanged: 0, unmanaged: 0 } };
    expect(toJsonPlan({ ...base, budget: { maxDeletes: 3, source: 'settings' } }).budget).toStrictEqual({ max_deletes: 3, source: 'settings' });
    expect(toJsonPlan({ ...base, budget: { maxDeletes: 3, source: 'label', pullRequest: 0 } }).budget).toStrictEqual({ max_deletes: 3, source: 'label', pull_request: 0 });
  });
});

describe('refusals', () => {
  const onMapi = (c: Change): Change => ({ ...c, audience: MAPI });
  const input = { budget: { maxDeletes: 100, source: 'settings' as const }, ownClientKnown: false, systemAudiences: new Set([MAPI]) };

  it('a Management API grant deleted or replaced is risky even without scopes', () => {
    expect(applyRefusals([onMapi(change('delete', { scope: [] }, null))], input).map((r) => r.rule)).toEqual(['unknown-client']);
    expect(applyRefusals([onMapi(change('replace', { scope: [] }, { scope: [] }))], input).map((r) => r.rule)).toEqual(['unknown-client']);
  });

  it('the lock-out rail with nothing to refuse', () => {
    const ownership: Ownership = { manage: 'all', excludedClientIds: [], ownClientId: 'c1' };
    expect(applyRefusals([onMapi(change('update', { scope: ['read:clients'] }, { scope: ['read:clients', 'read:users'] }))], { ...input, ownClientKnown: true, ownership })).toEqual([]);
  });

  it('the running client is protected without pipeline clients, and an unknown one protects no default grant', () => {
    const reads: GrantState = { scope: ['read:clients'] };
    const known = { ...input, ownClientKnown: true };
    expect(applyRefusals([onMapi(change('delete', reads, null))], { ...known, ownership: { manage: 'all', excludedClientIds: [], ownClientId: 'c1' } }).map((r) => r.rule)).toEqual(['pipeline-lockout']);
    expect(applyRefusals([onMapi(change('delete', reads, null, third))], { ...known, ownership: { manage: 'all', excludedClientIds: [] } })).toEqual([]);
  });

  it('creates count no removal, whatever their state', () => {
    expect(countRemovals([change('create', null, { scope: [], organizations: ['o1'] })])).toEqual({ deletes: 0, emptied: 0, dissociations: 0 });
  });
});

describe('saved plans', () => {
  const plan: Plan = {
    tenant: 'acme.example.com', tenantName: 'acme', fingerprint: `sha256:${'a'.repeat(64)}`, digest: `sha256:${'b'.repeat(64)}`,
    summary: { create: 1, update: 0, delete: 0, replace: 0, unchanged: 0, unmanaged: 0 }, unmanagedByReason: {},
    changes: [change('create', null, some, { client_name: 'one' })],
  };
  // Read in each test, not while the file loads (see docs/reliability.md, static mutants).
  const schema = (): object => loadSavedPlanSchema();
  const file = (): SavedPlan => JSON.parse(JSON.stringify(toSavedPlan(plan, { host: 'Acme.example.com' }))) as SavedPlan;

  it('toSavedPlan: the format and host first, then the JSON plan', () => {
    const saved = toSavedPlan(plan, { host: 'h' });
    expect(Object.keys(saved).slice(0, 3)).toEqual(['format', 'host', 'tenant']);
    expect(saved).toStrictEqual({ format: SAVED_PLAN_FORMAT, host: 'h', ...toJsonPlan(plan) });
  });

  const problem = (text: string) => {
    try {
      parseSavedPlan(text, 'plan.json', schema());
    } catch (error) {
      if (error instanceof InputError) return error.problems;
      throw error;
    }
    return 'accepted';
  };
  const where = { file: 'plan.json', line: 1, column: 1 };
  const notAPlan = (message: string) => [{
    location: where,
    message: `not a grantsync plan file: ${message} (expected "format": "${SAVED_PLAN_FORMAT}")`,
    hint: 'Write one with `grantsync plan --out plan.json`; the JSON printed by --format json cannot be applied.',
  }];

  it.each<[string, string, unknown]>([
    ['not JSON', 'plan', [{ location: where, message: 'plan file is not JSON', hint: 'Pass the file written by `grantsync plan --out`.' }]],
    ['another version', '{"format":"grantsync-plan/1"}', [{
      location: where,
      message: 'the plan file has format "grantsync-plan/1", written by another version of grantsync (this one reads "grantsync-plan/2")',
      hint: 'Run `grantsync plan --out <file>` again with this version.',
    }]],
    ['null', 'null', notAPlan('must be object')],
    ['a format that is not a string', '{"format":2}', notAPlan("must have required property 'host'")],
    ['a format of some other tool', '{"format":"other/1","host":"h"}', notAPlan("must have required property 'tenant'")],
    ['a list', '[]', notAPlan('must be object')],
  ])('%s', (_name, text, problems) => {
    expect(problem(text)).toEqual(problems);
  });

  it('the schema is compiled once, strictly', () => {
    const loose = { type: 'object', required: ['a'] };
    expect(() => parseSavedPlan('{}', 'p.json', loose)).toThrow(/strict mode/);
    const lenient = { type: 'object' } as Record<string, unknown>;
    expect(parseSavedPlan('{"a":1}', 'p.json', lenient)).toEqual({ a: 1 });
    lenient.type = 'string';
    expect(parseSavedPlan('{"a":1}', 'p.json', lenient)).toEqual({ a: 1 });
  });

  it('compares every field: host (any case), tenant, tenant name, fingerprint, digest, summary', () => {
    const saved = file();
    expect(compareWithSaved(saved, toJsonPlan(plan), 'acme.EXAMPLE.com')).toBeUndefined();
    const other = toJsonPlan({ ...plan, tenant: 't2', tenantName: 'n2', fingerprint: 'f2', digest: 'd2', summary: { ...plan.summary, unchanged: 1 } });
    expect(compareWithSaved(saved, other, 'h2')).toStrictEqual({
      fields: [
        ['host', '"acme.example.com"', '"h2"'],
        ['tenant', '"acme.example.com"', '"t2"'],
        ['tenant_name', '"acme"', '"n2"'],
        ['fingerprint', `"sha256:${'a'.repeat(64)}"`, '"f2"'],
        ['digest', `"sha256:${'b'.repeat(64)}"`, '"d2"'],
        ['summary', canonicalJson(plan.summary), canonicalJson(other.summary)],
      ],
      changes: [],
    });
  });

  it('a tenant name: compared when saved, today\'s missing one is null; not compared when the file has none', () => {
    const saved = file();
    const nameless = toJsonPlan({ ...plan, tenantName: undefined });
    expect(compareWithSaved(saved, nameless, 'acme.example.com')?.fields).toEqual([['tenant_name', '"acme"', 'null']]);
    expect(compareWithSaved({ ...saved, tenant_name: null }, { ...nameless, tenant_name: undefined }, 'acme.example.com')).toBeUndefined();
    delete saved.tenant_name;
    expect(compareWithSaved(saved, toJsonPlan(plan), 'acme.example.com')).toBeUndefined();
  });

  it('a change listed twice is a difference of its own, without a today', () => {
    const saved = file();
    saved.changes.push(saved.changes[0]!);
    expect(compareWithSaved(saved, toJsonPlan(plan), 'acme.example.com')).toStrictEqual({ fields: [], changes: [{ saved: saved.changes[1] }] });
  });

  it('key order does not matter, in the plan or in its changes', () => {
    const reverse = (value: unknown): unknown =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverse(v)]))
        : Array.isArray(value) ? value.map(reverse) : value;
    const saved = reverse(file()) as SavedPlan;
    expect(Object.keys(saved)[0]).not.toBe('format');
    expect(compareWithSaved(saved, toJsonPlan(plan), 'acme.example.com')).toBeUndefined();
  });

  it('canonicalJson sorts keys by code unit at every depth and leaves lists in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: null }, 2], c: 'x' }, B: true, _: 0 })).toBe('{"B":true,"_":0,"a":{"c":"x","d":[{"y":null,"z":1},2]},"b":1}');
  });
});

describe('grants with fields grantsync does not know', () => {
  const grant = (over: Partial<LiveGrant> & Record<string, unknown>): LiveGrant => ({ id: 'g1', client_id: 'c1', audience: 'https://a', scope: [], ...over }) as LiveGrant;

  it('one warning each, naming the grant, its holder and the field; system grants and known ones are not warned about', () => {
    const warnings = unknownFieldWarnings([
      grant({ future: 1 }),
      grant({ id: 'g2', client_id: undefined, default_for: 'third_party_clients', subject_type: 'robot' as 'user' }),
      grant({ id: 'g3', client_id: undefined }),
      grant({ id: 'g4', is_system: true, future: 1 }),
      grant({ id: 'g5' }),
    ]);
    const hint = 'Manage this grant in the Dashboard, or upgrade grantsync if a newer version knows the field.';
    expect(warnings).toEqual([
      { severity: 'warning', message: 'grant g1 (c1 → https://a) has key "future", which grantsync does not know; it is left alone (unmanaged)', hint },
      { severity: 'warning', message: 'grant g2 (third_party_clients → https://a) has subject_type "robot", which grantsync does not know; it is left alone (unmanaged)', hint },
      { severity: 'warning', message: 'grant g3 (no client → https://a) has no client_id, which grantsync does not know; it is left alone (unmanaged)', hint },
    ]);
  });

  it('a default grant is not the running client\'s when that client is unknown', () => {
    expect(unmanagedReason(grant({ client_id: undefined, default_for: 'third_party_clients' }), { manage: 'all', excludedClientIds: [] })).toBeUndefined();
  });
});
