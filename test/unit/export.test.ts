// exportTenant in-process: the exported files load, resolve and plan to nothing (for random tenants),
// and what export cannot express (every scope, ambiguous names, orphans, other deployers) is said.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffGrants } from '../../src/diff/diff.js';
import { InputError } from '../../src/errors.js';
import { exportTenant } from '../../src/export/from-tenant.js';
import { renderGrantFile, renderSettingsFile } from '../../src/export/write.js';
import type { LiveGrant, TenantSnapshot } from '../../src/model/types.js';
import { resolveDesiredState } from '../../src/resolve/resolve.js';
import { load } from '../helpers/directory.js';

const MAPI = 'https://acme/api/v2/';
const CLIENTS = [
  { client_id: 'id-a', name: 'alpha' },
  { client_id: 'id-b', name: 'beta' },
  { client_id: 'id-t1', name: 'twin' },
  { client_id: 'id-t2', name: 'twin' },
  { client_id: 'id-own', name: 'deployer' },
];
const APIS = [
  { identifier: 'https://orders', name: 'Orders', scopes: ['read', 'write'] },
  { identifier: 'urn:stock', scopes: ['read'] },
  { identifier: MAPI, name: 'Auth0 Management API', is_system: true, scopes: ['read:users', 'create:client_grants'] },
];

/** Export, render, load the files, resolve and diff against the same tenant. */
function roundTrip(tenant: TenantSnapshot, ownClientId?: string) {
  const exported = exportTenant(tenant, { host: 'acme', ...(ownClientId ? { ownClientId } : {}) });
  const files: Record<string, string> = { 'grantsync.yaml': renderSettingsFile(exported.settings, 'schema.json') };
  for (const f of exported.files) files[f.name] = renderGrantFile(f, 'schema.json');
  if (exported.files.length === 0) files['grants.yaml'] = 'grants: []\n';
  const loaded = load(files);
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('\n'));
  const resolved = resolveDesiredState({ settings: loaded.state.settings, declared: loaded.state.grants, tenant, ...(ownClientId ? { ownClientId } : {}) });
  const diff = diffGrants(resolved.desired, tenant.grants, resolved.ownership);
  return { exported, files, resolved, diff };
}

describe('exportTenant', () => {
  it('property: the first plan after an export is empty', () => {
    const grantArb = fc.record({
      client: fc.constantFrom(...CLIENTS.map((c) => c.client_id)),
      audience: fc.constantFrom(...APIS.map((a) => a.identifier)),
      subject_type: fc.constantFrom('client', 'user') as fc.Arbitrary<'client' | 'user'>,
      scope: fc.subarray(['read', 'write', 'read:users', 'create:client_grants']),
      usage: fc.constantFrom(undefined, 'deny', 'allow') as fc.Arbitrary<'deny' | 'allow' | undefined>,
      anyOrg: fc.boolean(),
      allScopes: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
    });
    fc.assert(
      fc.property(fc.uniqueArray(grantArb, { selector: (g) => `${g.client} ${g.audience} ${g.subject_type}`, maxLength: 10 }), fc.boolean(), (rows, own) => {
        const grants = rows.map((r, i): LiveGrant => ({
          id: `g${i}`, client_id: r.client, audience: r.audience, subject_type: r.subject_type, scope: r.scope,
          ...(r.usage ? { organization_usage: r.usage } : {}),
          ...(r.anyOrg && r.usage === 'allow' ? { allow_any_organization: true } : {}),
          ...(r.allScopes && r.audience !== MAPI ? { allow_all_scopes: true } : {}),
        }));
        const tenant = { clients: CLIENTS, resourceServers: APIS, grants };
        const { diff, resolved, exported } = roundTrip(tenant, own ? 'id-own' : undefined);
        expect(resolved.problems).toEqual([]);
        expect(diff.changes).toEqual([]);
        expect(exported.grants).toBe(diff.unchanged);
      }),
      { numRuns: 30 },
    );
  });

  it('files per API, the alias for the Management API, ids for ambiguous names, and what it leaves out', () => {
    const tenant: TenantSnapshot = {
      clients: [...CLIENTS, { client_id: 'id-global', name: 'All Applications', global: true }],
      resourceServers: APIS,
      grants: [
        { id: 'g1', client_id: 'id-a', audience: 'https://orders', scope: ['write', 'read'] },
        { id: 'g2', client_id: 'id-t1', audience: 'urn:stock', scope: ['read'], subject_type: 'user', organization_usage: 'allow', allow_any_organization: true },
        { id: 'g3', client_id: 'id-gone', audience: 'urn:stock', scope: ['nope'] },
        { id: 'g4', client_id: 'id-a', audience: 'https://deleted-api', scope: [] },
        { id: 'g5', client_id: 'id-b', audience: 'https://orders', allow_all_scopes: true },
        { id: 'g6', client_id: 'id-t2', audience: MAPI, scope: ['create:client_grants'] },
        { id: 'g7', client_id: 'id-own', audience: MAPI, scope: ['create:client_grants'] },
        { id: 'g8', audience: 'https://orders', default_for: 'third_party_clients', scope: [] },
        { id: 'g9', client_id: 'id-a', audience: MAPI, is_system: true },
      ],
    };
    const { exported, files } = roundTrip(tenant, 'id-own');
    expect(exported.files.map((f) => [f.name, f.title, f.grants.length])).toEqual([
      ['auth0-management-api.yaml', 'Auth0 Management API', 1],
      // Every kind of grant is exported: the all-scopes grant and the default grant too.
      ['orders.yaml', 'Orders (https://orders)', 3],
      ['urn-stock.yaml', 'urn:stock (urn:stock)', 2],
    ]);
    expect(exported.grants).toBe(6);
    expect(files['urn-stock.yaml']).toContain('  - client_id: id-gone  # no such client\n');
    expect(files['urn-stock.yaml']).toContain('  - client_id: id-t1  # twin (the name is not unique)\n');
    expect(files['urn-stock.yaml']).toContain('    subject_type: user\n    organization_usage: allow\n    allow_any_organization: true\n');
    expect(files['auth0-management-api.yaml']).toContain('    audience: auth0-management-api\n');
    expect(exported.warnings.map((w) => w.message)).toEqual([
      'id-t2 can change client grants (Management API), like a pipeline application; its grants are exported as managed',
      'grant g4 of id-a is for https://deleted-api, which is not an API of this tenant (an orphan); it is left out, so the first plan will delete it',
    ]);
    expect(exported.warnings[0]!.hint).toBe('If the pipeline runs as it, export again with --pipeline-client "id-t2" (or add it to pipeline_clients), so no run ever changes its access.');
    expect(exported.settings).toEqual({
      tenant: 'acme',
      tenantName: 'acme',
      pipelineClients: [{ name: 'deployer', why: 'export ran as this application' }],
      excludeClients: [],
      allowUndefinedScopes: '1 grant(s) use scopes their API does not define (Auth0 accepts them); remove this once they are cleaned up.',
    });
  });

  it('--pipeline-client by name or id, once each; unknown and ambiguous names are errors', () => {
    const tenant: TenantSnapshot = { clients: CLIENTS, resourceServers: APIS, grants: [{ id: 'g', client_id: 'id-a', audience: MAPI, allow_all_scopes: true }] };
    const exported = exportTenant(tenant, { host: 'acme', ownClientId: 'id-own', pipelineClients: ['alpha', 'id-a', 'id-own', 'id-t1'] });
    expect(exported.settings.pipelineClients).toEqual([
      { name: 'deployer', why: 'export ran as this application' },
      { name: 'alpha', why: 'named with --pipeline-client' },
      { name: 'id-t1', why: 'named with --pipeline-client' },
    ]);
    expect(exported.warnings).toEqual([]);
    expect(exported.settings.excludeClients).toEqual([]);
    expect(exportTenant(tenant, { host: 'acme' }).warnings.map((w) => w.message)).toEqual([
      'alpha can change client grants (Management API), like a pipeline application; its grants are exported as managed',
    ]);
    const refusal = (entry: string) => {
      try {
        exportTenant(tenant, { host: 'acme', pipelineClients: [entry] });
      } catch (error) {
        return error instanceof InputError ? error.problems.map((p) => `${p.message} | ${p.hint}`) : error;
      }
      return 'no error';
    };
    expect(refusal('nobody')).toEqual(['--pipeline-client "nobody" matches no client in the tenant | Name the application the other pipeline job runs as, by name or client_id.']);
    expect(refusal('twin')).toEqual(['--pipeline-client "twin" names 2 clients; use the client_id | Name the application the other pipeline job runs as, by name or client_id.']);
  });
});
