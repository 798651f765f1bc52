// Property: for random tenants, YAML and ownership, applying the plan makes the managed grants equal
// the YAML, leaves every other grant byte-identical, and a second plan is empty.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReadProfile } from '../../src/model/types.js';
import { diffGrants } from '../../src/diff/diff.js';
import { applyAndVerify } from '../../src/engine.js';
import { unmanagedReason } from '../../src/diff/ownership.js';
import { grantKeyString, liveKey, normalizeState, organizationDelta, unknownField } from '../../src/model/grant.js';
import { associationCandidates, attachAssociations } from '../../src/engine-organizations.js';
import { updateBody } from '../../src/apply/apply.js';
import { TenantStore } from '../../src/emulator/store.js';
import type { Seed, SeedGrant } from '../../src/emulator/seed.js';
import type { Change, DesiredGrant, LiveGrant, Ownership } from '../../src/model/types.js';
import { buildPlan } from '../../src/plan/plan.js';
import { StoreApi } from '../helpers/store-api.js';

const CLIENTS = ['c0', 'c1', 'c2', 'c3', 'c4'].map((name, i) => ({ client_id: `client${i}${'x'.repeat(26)}`, name }));
const TENANT = 'prop.example.com';
const MAPI = `https://${TENANT}/api/v2/`;
const AUDIENCES = ['https://a0', 'https://a1', 'https://a2', MAPI];
const SCOPES = ['s0', 's1', 's2', 's3', 's4'];
const ORGANIZATIONS = ['org_acme0000000000', 'org_globex00000000', 'org_initech0000000'];
const TYPES = ['payment', 'shipping'];
const OWN = CLIENTS[0]!.client_id;

const scopeSet = fc.subarray(SCOPES);
const usage = fc.constantFrom(undefined, 'deny', 'allow', 'require') as fc.Arbitrary<'deny' | 'allow' | 'require' | undefined>;
const keyArb = fc.record({
  client: fc.integer({ min: 0, max: CLIENTS.length - 1 }),
  audience: fc.integer({ min: 0, max: AUDIENCES.length - 1 }),
  subject: fc.constantFrom('client', 'user') as fc.Arbitrary<'client' | 'user'>,
});
const orgSet = fc.subarray(ORGANIZATIONS);
const typeSet = fc.subarray(TYPES);
const liveGrantArb = fc.record({
  key: keyArb,
  scope: scopeSet,
  usage,
  system: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  allScopes: fc.boolean(),
  types: typeSet,
  organizations: orgSet,
});
const desiredGrantArb = fc.record({ key: keyArb, scope: scopeSet, usage, allScopes: fc.boolean(), types: typeSet, organizations: orgSet });
/** A live grant with something grantsync does not know: it must survive every run untouched. */
const unknownArb = fc.option(
  fc.record({
    key: keyArb,
    extra: fc.constantFrom<Record<string, unknown>>({ subject_type: 'anonymous_user' }, { token_exchange: { allow: true } }, { organization_usage: 'sometimes' }),
  }),
  { nil: undefined },
);
const desiredDefaultArb = fc.option(fc.record({ audience: fc.integer({ min: 0, max: 2 }), scope: scopeSet, allScopes: fc.boolean() }), { nil: undefined });
const canHaveOrganizations = (u: string | undefined): boolean => u === 'allow' || u === 'require';

const scenarioArb = fc.record({
  live: fc.array(liveGrantArb, { maxLength: 25 }),
  desired: fc.array(desiredGrantArb, { maxLength: 25 }),
  manageAll: fc.boolean(),
  managedAudiences: fc.subarray(AUDIENCES, { minLength: 1 }),
  excluded: fc.subarray(CLIENTS.slice(1).map((c) => c.client_id), { maxLength: 2 }),
  ownKnown: fc.boolean(),
  defaultGrant: fc.boolean(),
  desiredDefault: desiredDefaultArb,
  unknown: unknownArb,
  // How the fake server claims reads cost: cheap (one listing of everything wins) or slow with a
  // page of one grant (listings per audience win), so both ways of verifying are exercised.
  slowReads: fc.boolean(),
});

const CHEAP_READS: ReadProfile = { latencyMs: 0, requestsPerSecond: Infinity, readConcurrency: 16, pageSize: 100 };
const SLOW_READS: ReadProfile = { latencyMs: 100, requestsPerSecond: 1000, readConcurrency: 4, pageSize: 1 };

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function seedOf(scenario: Scenario): Seed {
  const seen = new Set<string>();
  const grants: SeedGrant[] = [];
  for (const g of scenario.live) {
    const key = `${g.key.client}|${g.key.audience}|${g.key.subject}`;
    if (seen.has(key)) continue; // Auth0 itself refuses duplicates.
    seen.add(key);
    grants.push({
      client_id: CLIENTS[g.key.client]!.client_id,
      audience: AUDIENCES[g.key.audience]!,
      scope: g.scope,
      subject_type: g.key.subject,
      ...(g.usage ? { organization_usage: g.usage } : {}),
      ...(g.system ? { is_system: true } : {}),
      ...(g.allScopes && !g.system && AUDIENCES[g.key.audience] !== MAPI ? { allow_all_scopes: true } : {}),
      ...(g.key.subject === 'user' && g.types.length > 0 ? { authorization_details_types: g.types } : {}),
      ...(canHaveOrganizations(g.usage) && g.key.subject === 'client' ? { organizations: g.organizations } : {}),
    });
  }
  if (scenario.defaultGrant) grants.push({ audience: 'https://a1', scope: ['s1'], default_for: 'third_party_clients' });
  const u = scenario.unknown;
  if (u && !seen.has(`${u.key.client}|${u.key.audience}|${u.key.subject}`)) {
    grants.push({ client_id: CLIENTS[u.key.client]!.client_id, audience: AUDIENCES[u.key.audience]!, scope: ['s0'], subject_type: u.key.subject, organizations: [], extra: u.extra });
  }
  return {
    tenant: TENANT,
    organizations: ORGANIZATIONS.map((id) => ({ id, name: id.slice(4).replace(/0+$/, '') })),
    clients: CLIENTS.map((c) => ({ ...c, app_type: 'non_interactive' })),
    resource_servers: AUDIENCES.filter((a) => a !== MAPI).map((identifier) => ({ identifier, scopes: SCOPES })),
    client_grants: grants,
  };
}

function withoutOrganizations(row: string): string {
  const { organizations: _ignored, ...rest } = JSON.parse(row) as Record<string, unknown>;
  return JSON.stringify(rest);
}

function expectedWrites(change: Change): number {
  const { added, removed } = organizationDelta(change.action === 'update' ? change.before : null, change.after);
  const associations = added.length + removed.length;
  if (change.action === 'replace') return 2 + associations;
  if (change.action !== 'update') return 1 + associations;
  return (Object.keys(updateBody(change.before!, change.after!)).length > 0 ? 1 : 0) + associations;
}

describe('planner and apply, for random tenants', () => {
  it('converge the managed grants, leave the rest byte-identical, and re-plan to nothing', async () => {
    let runs = 0;
    const verifiedBy = { all: 0, audience: 0 };
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.integer({ min: 1, max: 2 ** 31 - 2 }), async (scenario, idSeed) => {
        runs++;
        let state = idSeed;
        const random = (): number => ((state = (state * 48271) % 2147483647) / 2147483647);
        const store = new TenantStore(seedOf(scenario), random);
        const api = new StoreApi(store, scenario.slowReads ? SLOW_READS : CHEAP_READS);
        const ownership: Ownership = {
          manage: scenario.manageAll ? 'all' : { audiences: scenario.managedAudiences },
          excludedClientIds: scenario.excluded,
          ...(scenario.ownKnown ? { ownClientId: OWN } : {}),
        };
        const before = await api.listGrants();
        // Resolution refuses to declare system grants and grants with unknown fields (their keys here).
        const untouchable = (g: LiveGrant) => g.is_system || unknownField(g) !== undefined;
        const systemKeys = new Set(before.filter(untouchable).map((g) => grantKeyString({ client_id: g.client_id!, audience: g.audience, subject_type: g.subject_type ?? 'client' })));

        // Desired grants as resolution would accept them: unique, inside ownership.
        const desired: DesiredGrant[] = [];
        const keys = new Set<string>();
        for (const d of scenario.desired) {
          const grant = {
            client_id: CLIENTS[d.key.client]!.client_id,
            audience: AUDIENCES[d.key.audience]!,
            subject_type: d.key.subject,
          };
          const key = grantKeyString(grant);
          const probe = { id: 'probe', ...grant };
          if (keys.has(key) || systemKeys.has(key) || unmanagedReason(probe, ownership)) continue;
          keys.add(key);
          const user = d.key.subject === 'user';
          desired.push({
            ...grant,
            state: normalizeState({
              scope: d.scope,
              organization_usage: d.usage ?? null,
              allow_all_scopes: d.allScopes && grant.audience !== MAPI,
              authorization_details_types: user ? d.types : null,
              organizations: canHaveOrganizations(d.usage) && !user ? d.organizations : null,
            }),
          });
        }
        const wantDefault = scenario.desiredDefault;
        const defaultAudience = wantDefault ? AUDIENCES[wantDefault.audience]! : '';
        if (wantDefault && !unmanagedReason({ id: 'probe', audience: defaultAudience, default_for: 'third_party_clients' }, ownership)) {
          desired.push({
            client_id: '',
            audience: defaultAudience,
            subject_type: 'client',
            default_for: 'third_party_clients',
            state: normalizeState({ scope: wantDefault.scope, allow_all_scopes: wantDefault.allScopes }),
          });
        }
        const organizations = await api.listOrganizations();
        const withAssociations = async (grants: LiveGrant[]) => (await attachAssociations(api, grants, associationCandidates(grants, ownership), organizations)).grants;
        const associationsOf = (grants: LiveGrant[]) =>
          JSON.stringify(Object.entries(store.state.organizationGrants ?? {}).map(([org, ids]) => [org, ids.filter((id) => grants.some((g) => g.id === id && unmanagedReason(g, ownership))).sort()]));
        const unmanagedAssociationsBefore = associationsOf(before);

        const diff = diffGrants(desired, await withAssociations(before), ownership);
        const plan = buildPlan({ tenant: TENANT, diff, clientNames: new Map(), systemAudiences: new Set([MAPI]) });
        const writesBefore = api.writes;
        const { outcomes, remaining, reads } = await applyAndVerify(api, plan.changes, { live: diff.managed, snapshot: before, desired, ownership, organizations });
        expect(outcomes.filter((o) => o.kind === 'failed')).toEqual([]);
        // The verifying re-read, whichever way it read, found nothing left to do.
        expect(remaining).toEqual([]);
        verifiedBy[reads.by]++;
        // One write per change (none for an update of associations only), two for a replace, one per association added or removed.
        expect(api.writes - writesBefore).toBe(plan.changes.reduce((n, c) => n + expectedWrites(c), 0));

        const after = await withAssociations(await api.listGrants());
        // Everything outside ownership is byte-identical.
        const untouched = (grants: typeof before) =>
          grants.filter((g) => unmanagedReason(g, ownership)).map((g) => JSON.stringify(g)).sort();
        expect(untouched(after).map(withoutOrganizations)).toEqual(untouched(before).map(withoutOrganizations));
        expect(associationsOf(after)).toBe(unmanagedAssociationsBefore);
        if (scenario.unknown) expect(after.filter((g) => unmanagedReason(g, ownership) === 'unknown-field').length).toBe(before.filter((g) => unmanagedReason(g, ownership) === 'unknown-field').length);
        // Managed grants equal the desired ones.
        const managedAfter = after.filter((g) => !unmanagedReason(g, ownership));
        const asMap = (entries: [string, unknown][]) => new Map(entries);
        expect(asMap(managedAfter.map((g) => [grantKeyString(liveKey(g)!), normalizeState(g)]))).toEqual(
          asMap(desired.map((d) => [grantKeyString(d), d.state])),
        );
        // Re-planning finds nothing, and no identity exists twice.
        expect(diffGrants(desired, after, ownership).changes).toEqual([]);
        const identities = after.map((g) => (liveKey(g) ? grantKeyString(liveKey(g)!) : `unknown:${g.id}`));
        expect(new Set(identities).size).toBe(identities.length);
      }),
      { numRuns: 300, seed: 20261127 },
    );
    expect(runs).toBe(300);
    expect(verifiedBy.all).toBeGreaterThan(30);
    expect(verifiedBy.audience).toBeGreaterThan(30);
  });

  it('flags added Management API scopes, never deletes or removals', () => {
    fc.assert(
      fc.property(scopeSet, scopeSet, fc.constantFrom(...AUDIENCES), (had, want, audience) => {
        const grant = { client_id: CLIENTS[1]!.client_id, audience, subject_type: 'client' as const };
        const live = [{ id: 'cgr_1', ...grant, scope: had }];
        const desired = [{ ...grant, state: normalizeState({ scope: want }) }];
        const diff = diffGrants(desired, live, { manage: 'all', excludedClientIds: [] });
        const plan = buildPlan({ tenant: TENANT, diff, clientNames: new Map(), systemAudiences: new Set([MAPI]) });
        const adds = want.some((s) => !had.includes(s));
        const flags = plan.changes.flatMap((c) => c.flags);
        expect(flags.includes('privilege-increase')).toBe(audience === MAPI && adds);
        const removal = diffGrants([], live, { manage: 'all', excludedClientIds: [] });
        expect(buildPlan({ tenant: TENANT, diff: removal, clientNames: new Map(), systemAudiences: new Set([MAPI]) }).changes[0]!.flags).toEqual([]);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
