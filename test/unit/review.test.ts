// The access review, in process: effective access, writers, revocation timing and risk classes.
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Change, LiveGrant } from '../../src/model/types.js';
import { isWriteLike, reviewAccess, RISK_CLASSES } from '../../src/review/access.js';

const PAY = 'https://api/payments';
const MAPI = 'https://t/api/v2/';
const names = new Map([['c1', 'billing-worker'], ['c2', 'mailer'], ['c3', 'etl']]);
const rs = [
  { identifier: PAY, scopes: ['read:invoices', 'write:refunds', 'refund:all'], token_lifetime: 7200 },
  { identifier: MAPI, is_system: true, scopes: ['read:clients', 'create:client_grants'] },
];
const live: LiveGrant[] = [
  { id: 'g1', client_id: 'c1', audience: PAY, scope: ['read:invoices'] },
  { id: 'g2', client_id: 'c2', audience: PAY, scope: ['read:invoices', 'write:refunds'] },
  { id: 'g3', client_id: 'c3', audience: MAPI, scope: ['read:clients'] },
];
const change = (over: Partial<Change>): Change => ({ action: 'update', client_id: 'c1', audience: PAY, subject_type: 'client', before: null, after: null, flags: [], ...over });

describe('reviewAccess', () => {
  const changes: Change[] = [
    change({ before: { scope: ['read:invoices'] }, after: { scope: ['read:invoices', 'refund:all', 'write:refunds'] } }),
    change({ action: 'delete', client_id: 'c2', before: { scope: ['read:invoices', 'write:refunds'] }, after: null }),
    change({ client_id: 'c3', audience: MAPI, before: { scope: ['read:clients'] }, after: { scope: ['create:client_grants', 'read:clients'] }, flags: ['privilege-increase', 'self-escalation'] }),
  ];
  let review!: ReturnType<typeof reviewAccess>;
  beforeEach(() => {
    review = reviewAccess({ changes, live, clientNames: names, resourceServers: rs, sensitiveScopes: { [PAY]: ['refund:all'] } });
  });

  it('gives each touched client its access after apply, scope by scope', () => {
    expect(review.clients.map((c) => c.client_name)).toEqual(['billing-worker', 'etl', 'mailer']);
    expect(review.clients[0]!.apis).toEqual([
      { audience: PAY, subject_type: 'client', status: 'kept', all_scopes: false, scopes: [
        { scope: 'read:invoices', status: 'kept' }, { scope: 'refund:all', status: 'added' }, { scope: 'write:refunds', status: 'added' },
      ] },
    ]);
    expect(review.clients[2]!.apis[0]).toMatchObject({ status: 'removed', scopes: [{ scope: 'read:invoices', status: 'removed' }, { scope: 'write:refunds', status: 'removed' }] });
  });

  it('lists who holds each write-like scope of a touched API after apply, and who is new', () => {
    expect(review.apis.find((a) => a.audience === PAY)!.scopes).toEqual([
      { scope: 'refund:all', holders: [{ client_id: 'c1', client_name: 'billing-worker', new: true }] },
      { scope: 'write:refunds', holders: [{ client_id: 'c1', client_name: 'billing-worker', new: true }] },
    ]);
    expect(review.apis.find((a) => a.audience === MAPI)!.scopes).toEqual([{ scope: 'create:client_grants', holders: [{ client_id: 'c3', client_name: 'etl', new: true }] }]);
  });

  it('says how long already-issued tokens keep removed access, from the API\'s token lifetime', () => {
    expect(review.revocations).toEqual([{ client_id: 'c2', client_name: 'mailer', audience: PAY, scopes: [], organizations: [], grant_removed: true, token_lifetime: 7200 }]);
    expect(review.fully_effective_after).toBe(7200);
    const none = reviewAccess({ changes: [changes[0]!], live, clientNames: names, resourceServers: rs });
    expect(none.fully_effective_after).toBeUndefined();
    const shrink = reviewAccess({ changes: [change({ audience: MAPI, client_id: 'c3', before: { scope: ['read:clients'] }, after: { scope: [] } })], live, clientNames: names, resourceServers: rs });
    expect(shrink.revocations).toEqual([{ client_id: 'c3', client_name: 'etl', audience: MAPI, scopes: ['read:clients'], organizations: [], grant_removed: false, token_lifetime: 86_400 }]);
  });

  it('orders risk classes most dangerous first', () => {
    expect(review.risks.map((r) => [r.class, r.client_name, r.scopes])).toEqual([
      ['self-escalation', 'etl', ['create:client_grants']],
      ['privilege-increase', 'etl', ['create:client_grants']],
      ['sensitive', 'billing-worker', ['refund:all']],
    ]);
    const wild = reviewAccess({
      changes: [change({ before: { scope: ['read:invoices'] }, after: { scope: [], allow_all_scopes: true, organization_usage: 'allow', allow_any_organization: true } })],
      live, clientNames: names, resourceServers: rs,
    });
    expect(wild.risks.map((r) => r.class)).toEqual(['wildcard', 'any-organization']);
    // Every holder of an all-scopes grant holds each write-like scope the API defines.
    expect(wild.apis[0]!.scopes.map((s) => s.scope)).toEqual(['write:refunds']);
  });

  it('agrees with a brute-force recomputation on random plans', () => {
    const scope = fc.constantFrom<string>('read:a', 'write:a', 'delete:a', 'x');
    const grantOf = fc.record({ client: fc.constantFrom('c1', 'c2', 'c3'), audience: fc.constantFrom(PAY, MAPI), scopes: fc.uniqueArray(scope, { maxLength: 4 }) });
    fc.assert(
      fc.property(fc.uniqueArray(grantOf, { selector: (g) => g.client + g.audience, maxLength: 6 }), fc.uniqueArray(grantOf, { selector: (g) => g.client + g.audience, maxLength: 6 }), (was, will) => {
        const liveGrants: LiveGrant[] = was.map((g, i) => ({ id: `g${i}`, client_id: g.client, audience: g.audience, scope: g.scopes }));
        const key = (g: { client: string; audience: string }) => `${g.client} ${g.audience}`;
        const wasBy = new Map(was.map((g) => [key(g), g]));
        const willBy = new Map(will.map((g) => [key(g), g]));
        const changes: Change[] = [];
        for (const g of will) {
          const old = wasBy.get(key(g));
          if (!old) changes.push(change({ action: 'create', client_id: g.client, audience: g.audience, after: { scope: [...g.scopes].sort() } }));
          else changes.push(change({ client_id: g.client, audience: g.audience, before: { scope: old.scopes }, after: { scope: [...g.scopes].sort() } }));
        }
        for (const g of was) if (!willBy.has(key(g))) changes.push(change({ action: 'delete', client_id: g.client, audience: g.audience, before: { scope: g.scopes }, after: null }));
        const result = reviewAccess({ changes, live: liveGrants, clientNames: new Map(), resourceServers: rs });
        for (const api of result.apis) {
          for (const { scope: s, holders } of api.scopes) {
            const expected = will.filter((g) => g.audience === api.audience && g.scopes.includes(s)).map((g) => g.client).sort();
            expect(holders.map((h) => h.client_id).sort()).toEqual(expected);
            for (const h of holders) expect(h.new).toBe(!(wasBy.get(`${h.client_id} ${api.audience}`)?.scopes.includes(s) ?? false));
          }
          const writers = will.filter((g) => g.audience === api.audience).flatMap((g) => g.scopes.filter((s) => isWriteLike(s)));
          expect(api.scopes.map((s) => s.scope).sort()).toEqual([...new Set(writers)].sort());
        }
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('is, for what its changes touch, the audit of the whole tenant: grants elsewhere never change it', () => {
    const OTHER = 'https://api/other';
    const scope = fc.constantFrom<string>('read:a', 'write:a', 'delete:a');
    const grantOf = fc.record({ client: fc.constantFrom('c1', 'c2', 'c3', 'c4', ''), audience: fc.constantFrom(PAY, MAPI, OTHER), scopes: fc.uniqueArray(scope, { maxLength: 3 }) });
    const op = fc.constantFrom('keep' as const, 'keep' as const, 'update' as const, 'delete' as const);
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(grantOf, op), { selector: ([g]) => g.client + g.audience, maxLength: 10 }), fc.array(grantOf, { maxLength: 3 }), (was, created) => {
        // '' stands for a default grant, which has no client (its key and its changes use '').
        const liveGrants: LiveGrant[] = was.map(([g], i) =>
          g.client === '' ? { id: `g${i}`, default_for: 'third_party_clients', audience: g.audience, scope: g.scopes } : { id: `g${i}`, client_id: g.client, audience: g.audience, scope: g.scopes },
        );
        const identity = (g: { client: string; audience: string }) => ({ client_id: g.client, audience: g.audience, ...(g.client === '' ? { default_for: 'third_party_clients' as const } : {}) });
        const changes: Change[] = [];
        for (const [g, what] of was) {
          if (what === 'update') changes.push(change({ ...identity(g), before: { scope: g.scopes }, after: { scope: [...g.scopes, 'x:new'] } }));
          if (what === 'delete') changes.push(change({ ...identity(g), action: 'delete', before: { scope: g.scopes }, after: null }));
        }
        const taken = new Set(was.map(([g]) => g.client + g.audience));
        for (const g of created) {
          if (taken.has(g.client + g.audience)) continue;
          taken.add(g.client + g.audience);
          changes.push(change({ ...identity(g), action: 'create', after: { scope: [...g.scopes].sort() } }));
        }
        const input = { changes, live: liveGrants, clientNames: names, resourceServers: [...rs, { identifier: OTHER, scopes: ['write:a'] }] };
        const review = reviewAccess(input);
        const audit = reviewAccess({ ...input, scope: 'all' });
        expect(review.clients.map((c) => c.client_id).sort()).toEqual([...new Set(changes.map((c) => c.client_id))].sort());
        expect(review.apis.map((a) => a.audience)).toEqual([...new Set(changes.map((c) => c.audience))].sort());
        for (const client of review.clients) {
          const audited = audit.clients.find((c) => c.client_id === client.client_id);
          // The audit lists the clients that hold something after the apply; one that loses all is the review's alone.
          if (audited) expect(client).toEqual(audited);
          else expect(client.apis.every((a) => a.status === 'removed')).toBe(true);
        }
        for (const api of review.apis) {
          const audited = audit.apis.find((a) => a.audience === api.audience);
          expect(api).toEqual(audited ?? { audience: api.audience, scopes: [] });
        }
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  it('names a default grant by default_for, not by a client, wherever it appears', () => {
    const defaultGrant: LiveGrant = { id: 'g9', default_for: 'third_party_clients', audience: PAY, scope: ['read:invoices'] };
    const widened = change({ client_id: '', default_for: 'third_party_clients', before: { scope: ['read:invoices'] }, after: { scope: ['read:invoices', 'write:refunds'] }, flags: ['fleet-wide'] });
    const result = reviewAccess({ changes: [widened], live: [...live, defaultGrant], clientNames: names, resourceServers: rs });
    const holder = { client_id: '', client_name: null, default_for: 'third_party_clients' };
    expect(result.risks).toEqual([{ ...holder, class: 'fleet-wide', audience: PAY, scopes: [] }]);
    // The live default grant is the "before": read:invoices is kept, write:refunds is new.
    expect(result.clients).toEqual([{ ...holder, apis: [{ audience: PAY, subject_type: 'client', status: 'kept', all_scopes: false, scopes: [{ scope: 'read:invoices', status: 'kept' }, { scope: 'write:refunds', status: 'added' }] }] }]);
    expect(result.apis[0]!.scopes.find((s) => s.scope === 'write:refunds')!.holders).toEqual([{ ...holder, new: true }, { client_id: 'c2', client_name: 'mailer', new: false }]);
    const removed = reviewAccess({ changes: [change({ ...widened, action: 'delete', before: widened.after, after: null })], live: [defaultGrant], clientNames: names, resourceServers: rs });
    expect(removed.revocations).toEqual([{ ...holder, audience: PAY, scopes: [], organizations: [], grant_removed: true, token_lifetime: 7200 }]);
  });

  it('agrees with a brute-force recomputation of organization access on random association changes', () => {
    const orgs = fc.uniqueArray(fc.constantFrom('o1', 'o2', 'o3', 'o4'), { maxLength: 4 });
    const orgNames = new Map([['o1', 'acme'], ['o2', 'globex'], ['o3', 'initech'], ['o4', 'umbrella']]);
    fc.assert(
      fc.property(orgs, orgs, fc.constantFrom('allow' as const, 'require' as const), fc.boolean(), (was, will, usage, any) => {
        const liveGrant: LiveGrant = { id: 'g1', client_id: 'c1', audience: PAY, scope: ['read:invoices'], organization_usage: usage, organizations: was };
        const after = { scope: ['read:invoices'], organization_usage: usage, ...(any ? { allow_any_organization: true } : {}), organizations: [...will].sort() };
        const result = reviewAccess({
          changes: [change({ before: { scope: ['read:invoices'], organization_usage: usage, organizations: [...was].sort() }, after })],
          live: [liveGrant],
          clientNames: names,
          organizationNames: orgNames,
          resourceServers: rs,
        });
        const access = result.clients[0]!.apis[0]!;
        expect(access.organization_usage).toBe(usage);
        expect(access.any_organization ?? false).toBe(any);
        const expected = [...new Set([...was, ...will])].map((id) => ({ id, name: orgNames.get(id)!, status: was.includes(id) && will.includes(id) ? 'kept' : will.includes(id) ? 'added' : 'removed' }));
        expect(access.organizations).toEqual(expected.sort((a, b) => (a.name < b.name ? -1 : 1)));
        const dissociated = was.filter((id) => !will.includes(id)).map((id) => orgNames.get(id)!).sort();
        expect(result.revocations.flatMap((r) => r.organizations)).toEqual(dissociated);
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('knows write-like scopes', () => {
    expect(['create:x', 'update:x', 'delete:x', 'write:x'].every((s) => isWriteLike(s))).toBe(true);
    expect(['read:x', 'writer:x', 'x:write'].some((s) => isWriteLike(s))).toBe(false);
    expect(isWriteLike('refund:all', ['refund:all'])).toBe(true);
    expect(RISK_CLASSES[0]).toBe('self-escalation');
  });
});
