// The least-privilege checks, in process: each rule, its severity and its YAML line.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lintDesired, lintGrants, type LintInput } from '../../src/lint/least-privilege.js';
import type { Change, ClientSummary, DesiredGrant, LiveGrant, ResourceServerSummary } from '../../src/model/types.js';

const PAY = 'https://api/payments';
const MAPI = 'https://t/api/v2/';
const clients: ClientSummary[] = [
  { client_id: 'm2m', name: 'billing-worker', app_type: 'non_interactive', grant_types: ['client_credentials'] },
  { client_id: 'spa', name: 'web-shop', app_type: 'spa', grant_types: ['authorization_code', 'implicit', 'refresh_token'] },
  { client_id: 'web', name: 'portal', app_type: 'regular_web', grant_types: ['authorization_code', 'client_credentials'] },
  { client_id: 'old', name: 'legacy' },
];
const payments: ResourceServerSummary = { identifier: PAY, scopes: ['read:invoices', 'write:refunds', 'read:refunds'] };
const mapi: ResourceServerSummary = { identifier: MAPI, is_system: true, scopes: ['read:clients', 'read:logs'] };

let line = 0;
const grant = (over: Partial<DesiredGrant>): DesiredGrant => ({
  client_id: 'm2m',
  audience: PAY,
  subject_type: 'client',
  state: { scope: ['read:invoices', 'write:refunds', 'read:refunds'] },
  source: { file: 'grants/payments.yaml', line: (line += 4), column: 5 },
  ...over,
});

/** The desired grants are live already (unchanged) unless a change says otherwise, as in a real plan. */
function lint(desired: DesiredGrant[], over: Partial<LintInput> = {}) {
  const asLive = (g: DesiredGrant, i: number): LiveGrant => ({ id: `d${i}`, client_id: g.client_id, audience: g.audience, subject_type: g.subject_type, scope: g.state.scope, ...(g.state.allow_all_scopes ? { allow_all_scopes: true } : {}) });
  const live = [...desired.map(asLive), ...(over.live ?? [])];
  return lintGrants({ desired, changes: [], clients, resourceServers: [payments, mapi], ownership: { manage: 'all' }, ...over, live });
}

describe('least-privilege checks', () => {
  it('finds nothing in grants that are used as they should be', () => {
    expect(lint([grant({})])).toEqual([]);
  });

  it('lists the findings of one grant in the order of the rules', () => {
    const both = grant({ client_id: 'spa', audience: PAY, state: { scope: [] } });
    const apis = [{ ...payments, subject_type_authorization: { client: { policy: 'allow_all' as const } } }, mapi];
    expect(lint([both], { resourceServers: apis }).filter((p) => p.severity === 'warning').map((p) => p.rule)).toEqual(['client-cannot-use-grant', 'api-policy-ignores-grant', 'empty-scope-grant']);
  });

  it('warns, at the grant\'s line, about a machine-to-machine grant to a client without client_credentials', () => {
    const spa = grant({ client_id: 'spa', client_name: 'web-shop' });
    expect(lint([spa])).toEqual([
      {
        severity: 'warning',
        rule: 'client-cannot-use-grant',
        location: spa.source,
        message: '`web-shop` cannot use this grant on `https://api/payments`: its grant types (`authorization_code`, `implicit`, `refresh_token`) lack `client_credentials`',
        hint: expect.stringContaining('Client Credentials'),
      },
    ]);
  });

  it('warns about a machine-to-machine grant to an application that is not machine-to-machine, even with client_credentials', () => {
    const [finding] = lint([grant({ client_id: 'web', client_name: 'portal' })]);
    expect(finding).toMatchObject({ severity: 'warning', rule: 'client-cannot-use-grant' });
    expect(finding!.message).toBe('`portal` is a `regular_web` application, not a machine-to-machine one, but this grant gives it machine-to-machine access to `https://api/payments`');
  });

  it('does not guess when Auth0 did not return the fields', () => {
    expect(lint([grant({ client_id: 'old' })])).toEqual([]);
  });

  it('checks a user grant for a user flow, not for client_credentials', () => {
    expect(lint([grant({ client_id: 'spa', subject_type: 'user' })])).toEqual([]);
    const [finding] = lint([grant({ client_id: 'm2m', client_name: 'billing-worker', subject_type: 'user' })]);
    expect(finding!.message).toBe('`billing-worker` cannot use this user grant on `https://api/payments`: its grant types (`client_credentials`) include no user flow');
  });

  it('warns about a grant on an API whose access policy for its subject type ignores grants', () => {
    const allowAll = { ...payments, subject_type_authorization: { client: { policy: 'require_client_grant' }, user: { policy: 'allow_all' } } };
    const resourceServers = [allowAll, mapi];
    expect(lint([grant({})], { resourceServers })).toEqual([]);
    const [user] = lint([grant({ client_id: 'spa', subject_type: 'user' })], { resourceServers });
    expect(user).toMatchObject({ severity: 'warning', rule: 'api-policy-ignores-grant' });
    expect(user!.message).toBe('`https://api/payments` has the user access policy `allow_all`: every application may get tokens for it without a grant, so this grant neither gives nor limits access');
    const denied = [{ ...payments, subject_type_authorization: { client: { policy: 'deny_all' } } }, mapi];
    expect(lint([grant({})], { resourceServers: denied })[0]!.message).toBe(
      '`https://api/payments` has the client access policy `deny_all`: no application may get tokens for it, so this grant cannot be used',
    );
  });

  it('warns about a grant left with an empty scope list, and says when this plan emptied it', () => {
    const empty = grant({ client_name: 'billing-worker', state: { scope: [] } });
    const everyScopeHeld: LiveGrant[] = [{ id: 'g', client_id: 'web', audience: PAY, allow_all_scopes: true }];
    expect(lint([empty], { live: everyScopeHeld })).toEqual([
      expect.objectContaining({ severity: 'warning', rule: 'empty-scope-grant', location: empty.source, message: '`billing-worker` holds a grant on `https://api/payments` with an empty scope list: it can still get access tokens for the API' }),
    ]);
    const emptied: Change = { action: 'update', client_id: 'm2m', audience: PAY, subject_type: 'client', before: { scope: ['read:invoices'] }, after: { scope: [] }, flags: [] };
    expect(lint([empty], { live: everyScopeHeld, changes: [emptied] })[0]!.message).toBe(
      'this plan removes the last scopes of `billing-worker` on `https://api/payments`, but the grant stays: it can still get access tokens for the API',
    );
    expect(lint([grant({ subject_type: 'user', client_id: 'spa', state: { scope: [], authorization_details_types: ['payment'] } })], { live: everyScopeHeld })).toEqual([]);
  });

  it('notes (info) the scopes of a managed custom API that no grant holds after the apply, at its first grant', () => {
    const first = grant({ state: { scope: ['read:invoices'] }, source: { file: 'grants/a.yaml', line: 2, column: 5 } });
    const second = grant({ client_id: 'web', state: { scope: ['read:invoices'] }, source: { file: 'grants/b.yaml', line: 9, column: 5 } });
    const removed: Change = { action: 'delete', client_id: 'old', audience: PAY, subject_type: 'client', before: { scope: ['read:refunds'] }, after: null, flags: [] };
    const live: LiveGrant[] = [
      { id: 'g1', client_id: 'old', audience: PAY, scope: ['read:refunds'] },
      { id: 'g2', client_id: 'x', audience: PAY, scope: ['write:refunds'], subject_type: 'user' },
    ];
    const findings = lint([second, first], { live, changes: [removed] }).filter((p) => p.rule === 'unheld-scopes');
    expect(findings).toEqual([
      { severity: 'info', rule: 'unheld-scopes', location: first.source, message: 'no grant holds scope `read:refunds` of `https://api/payments`', hint: expect.any(String) },
    ]);
    // The Management API, APIs outside `manage` and APIs that the YAML does not grant on are not checked.
    expect(lint([grant({ audience: MAPI, state: { scope: ['read:clients'] } })])).toEqual([]);
    expect(lint([first], { ownership: { manage: { audiences: ['https://other'] } } })).toEqual([]);
    // A grant with allow_all_scopes holds every scope.
    expect(lint([grant({ state: { scope: [], allow_all_scopes: true } })])).toEqual([]);
    // Warnings come first, then notes, each by file and line.
    const spa = grant({ client_id: 'spa', state: { scope: ['read:invoices'] }, source: { file: 'grants/z.yaml', line: 1, column: 5 } });
    expect(lint([first, spa]).map((p) => [p.severity, p.location?.file])).toEqual([['warning', 'grants/z.yaml'], ['info', 'grants/a.yaml']]);
  });

  it('notes the unheld scopes of the state after the apply, whether or not a change touches that API (random plans)', () => {
    const OTHER: ResourceServerSummary = { identifier: 'https://api/other', scopes: ['x:1'] };
    const holder = fc.record({
      client: fc.constantFrom('m2m', 'web', 'spa', 'old'),
      audience: fc.constantFrom(PAY, OTHER.identifier),
      scopes: fc.subarray(payments.scopes),
      all: fc.boolean(),
      op: fc.constantFrom('keep' as const, 'keep' as const, 'narrow' as const, 'delete' as const),
    });
    fc.assert(
      fc.property(fc.uniqueArray(holder, { selector: (h) => h.client + h.audience, maxLength: 6 }), fc.subarray(payments.scopes), fc.constantFrom(PAY, OTHER.identifier), (holders, created, createdOn) => {
        const live: LiveGrant[] = holders.map((h, i) => ({ id: `g${i}`, client_id: h.client, audience: h.audience, scope: h.scopes, ...(h.all ? { allow_all_scopes: true } : {}) }));
        const changes: Change[] = [];
        const after = new Map<string, { audience: string; all: boolean; scopes: string[] }>();
        for (const h of holders) {
          const before = { scope: h.scopes, ...(h.all ? { allow_all_scopes: true as const } : {}) };
          const id = { client_id: h.client, audience: h.audience, subject_type: 'client' as const, flags: [] };
          if (h.op === 'delete') changes.push({ ...id, action: 'delete', before, after: null });
          else if (h.op === 'narrow') {
            changes.push({ ...id, action: 'update', before, after: { scope: h.scopes.slice(1) } });
            after.set(h.client + h.audience, { audience: h.audience, all: false, scopes: h.scopes.slice(1) });
          } else after.set(h.client + h.audience, { audience: h.audience, all: h.all, scopes: h.scopes });
        }
        // A new grant, on the payments API or elsewhere: then only the holders' changes touch payments.
        const desired = [grant({ client_id: 'new', audience: createdOn, state: { scope: created } }), grant({ client_id: 'm2m', state: { scope: [] } })];
        changes.push({ client_id: 'new', audience: createdOn, subject_type: 'client', action: 'create', before: null, after: { scope: created }, flags: [] });
        after.set('new' + createdOn, { audience: createdOn, all: false, scopes: created });
        const onPay = [...after.values()].filter((g) => g.audience === PAY);
        const held = new Set(onPay.flatMap((g) => g.scopes));
        const unheld = onPay.some((g) => g.all) ? [] : payments.scopes.filter((s) => !held.has(s));
        const findings = lintGrants({ desired, changes, live, clients, resourceServers: [payments, OTHER], ownership: { manage: 'all' } }).filter((p) => p.rule === 'unheld-scopes' && p.message.endsWith(`\`${PAY}\``));
        expect(findings.map((p) => p.message)).toEqual(unheld.length ? [`no grant holds ${unheld.length === 1 ? 'scope' : 'scopes'} ${unheld.map((x) => `\`${x}\``).join(', ')} of \`${PAY}\``] : []);
      }),
      { numRuns: 300, seed: 17 },
    );
  });

  it('finds the same with the findings worked out before the grants were read, and uses them only for the lists they were made from (property)', () => {
    const declared = fc.record({
      client: fc.constantFrom('m2m', 'web', 'spa', 'old', 'gone'),
      audience: fc.constantFrom(PAY, MAPI, 'https://api/unknown'),
      subject: fc.constantFrom('client' as const, 'user' as const),
      scopes: fc.subarray(payments.scopes),
      all: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
      line: fc.integer({ min: 1, max: 40 }),
      op: fc.constantFrom('none' as const, 'create' as const, 'update' as const),
    });
    const policy = fc.constantFrom(undefined, 'require_client_grant', 'allow_all', 'deny_all');
    fc.assert(
      fc.property(fc.array(declared, { maxLength: 8 }), policy, (grants, payPolicy) => {
        const apis: ResourceServerSummary[] = [payPolicy ? { ...payments, subject_type_authorization: { client: { policy: payPolicy } } } : payments, mapi];
        const desired = grants.map((g) =>
          grant({ client_id: g.client, audience: g.audience, subject_type: g.subject, state: { scope: g.all ? [] : g.scopes, ...(g.all ? { allow_all_scopes: true } : {}) }, source: { file: 'grants/a.yaml', line: g.line, column: 3 } }),
        );
        const changes: Change[] = grants.flatMap((g, i) =>
          g.op === 'none' ? [] : [{ client_id: g.client, audience: g.audience, subject_type: g.subject, action: g.op, before: g.op === 'update' ? { scope: ['read:invoices'] } : null, after: desired[i]!.state, flags: [] }],
        );
        const live: LiveGrant[] = grants.filter((g) => g.op !== 'create').map((g, i) => ({ id: `g${i}`, client_id: g.client, audience: g.audience, subject_type: g.subject, scope: g.op === 'update' ? ['read:invoices'] : g.scopes }));
        const input: LintInput = { desired, changes, live, clients, resourceServers: apis, ownership: { manage: 'all' } };
        const early = lintDesired(input);
        expect(lintGrants({ ...input, early })).toEqual(lintGrants(input));
        // Made from other lists (a stale head start, here one that found nothing): not used.
        const stale = { ...early, notable: [], firstOn: new Map() };
        expect(lintGrants({ ...input, early: { ...stale, desired: [...desired] } })).toEqual(lintGrants(input));
        expect(lintGrants({ ...input, early: { ...stale, clients: [...clients] } })).toEqual(lintGrants(input));
        expect(lintGrants({ ...input, early: { ...stale, resourceServers: [...apis] } })).toEqual(lintGrants(input));
      }),
      { numRuns: 400, seed: 23 },
    );
  });
});
