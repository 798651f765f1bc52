// exportTenant's grants, file titles, settings and warnings exactly (the round trip is export.test.ts),
// and the tenant's name from its Management API audience.
import { describe, expect, it } from 'vitest';
import { exportTenant } from '../../src/export/from-tenant.js';
import { MANAGEMENT_API_ALIAS } from '../../src/model/grant.js';
import { tenantNameOf } from '../../src/model/tenant.js';
import type { LiveGrant, TenantSnapshot } from '../../src/model/types.js';

const MAPI = 'https://acme.eu.auth0.com/api/v2/';
const base: TenantSnapshot = {
  clients: [
    { client_id: 'id-a', name: 'alpha' }, { client_id: 'id-b', name: 'beta' }, { client_id: 'id-b2', name: 'beta' },
    { client_id: 'id-c', name: 'gamma' }, { client_id: 'id-d', name: 'delta' }, { client_id: 'id-all', name: 'All Applications', global: true },
  ],
  resourceServers: [
    { identifier: 'https://orders', name: 'https://orders', scopes: ['read'] },
    { identifier: 'urn:stock', scopes: ['read'] },
    { identifier: MAPI, name: 'Auth0 Management API', is_system: true, scopes: ['read:users', 'create:client_grants', 'delete:client_grants'] },
  ],
  grants: [],
  organizations: [{ id: 'org_1', name: 'Acme Corp' }],
};
const tenantWith = (...grants: LiveGrant[]): TenantSnapshot => ({ ...base, grants });

describe('exportTenant', () => {
  it('every field of a grant, names for organizations, titles from the API or its identifier', () => {
    const exported = exportTenant(tenantWith(
      { id: 'g1', client_id: 'id-a', audience: 'https://orders', scope: ['read'], organization_usage: 'require', allow_any_organization: true, organizations: ['org_1', 'org_gone'] },
      { id: 'g2', client_id: 'id-b', audience: 'urn:stock', subject_type: 'user', scope: ['read'], authorization_details_types: ['payment'] },
      { id: 'g3', client_id: 'id-a', audience: 'urn:stock', allow_all_scopes: true, authorization_details_types: [], organizations: [] },
      { id: 'g4', audience: 'urn:stock', default_for: 'third_party_clients', scope: ['read'] },
    ), { host: 'login.acme.com' });
    expect(exported.files).toEqual([
      {
        name: 'orders.yaml', audience: 'https://orders', title: 'https://orders (https://orders)', grants: [
          { client: { name: 'alpha' }, audience: 'https://orders', scope: ['read'], subject_type: 'client', organization_usage: 'require', allow_any_organization: true, organizations: ['Acme Corp', 'org_gone'] },
        ],
      },
      {
        name: 'urn-stock.yaml', audience: 'urn:stock', title: 'urn:stock (urn:stock)', grants: [
          { client: { id: 'id-b', comment: 'beta (the name is not unique)' }, audience: 'urn:stock', scope: ['read'], subject_type: 'user', authorization_details_types: ['payment'] },
          { client: { name: 'alpha' }, audience: 'urn:stock', scope: [], allow_all_scopes: true, subject_type: 'client' },
          { client: { default: 'third_party_clients' }, audience: 'urn:stock', scope: ['read'], subject_type: 'client' },
        ],
      },
    ]);
    expect(exported.grants).toBe(4);
    expect(exported.warnings).toEqual([]);
    expect(exported.settings).toEqual({ tenant: 'login.acme.com', tenantName: 'acme.eu.auth0.com', pipelineClients: [], excludeClients: [] });
  });

  it('the Management API under its alias; without one, no tenant name', () => {
    const exported = exportTenant(tenantWith({ id: 'g', client_id: 'id-a', audience: MAPI, scope: ['read:users'] }), { host: 'h' });
    expect(exported.files.map((f) => [f.name, f.title, f.grants[0]?.audience])).toEqual([['auth0-management-api.yaml', 'Auth0 Management API', MANAGEMENT_API_ALIAS]]);
    const nameless = exportTenant({ ...base, resourceServers: base.resourceServers.slice(0, 2), grants: [] }, { host: 'h' });
    expect(nameless.settings).toStrictEqual({ tenant: 'h', pipelineClients: [], excludeClients: [] });
    expect(nameless.files).toEqual([]);
  });

  it('leaves out what it does not manage, and says so for orphans', () => {
    const exported = exportTenant(tenantWith(
      { id: 'g1', client_id: 'id-own', audience: 'urn:stock', scope: [] },
      { id: 'g2', client_id: 'id-a', audience: MAPI, is_system: true },
      { id: 'g3', client_id: 'id-a', audience: 'urn:stock', scope: [], subject_type: 'anonymous_user' as 'user' },
      { id: 'g4', audience: 'https://gone', default_for: 'third_party_clients', scope: [] },
      { id: 'g5', client_id: 'id-a', audience: 'https://gone', scope: [] },
    ), { host: 'h', ownClientId: 'id-own' });
    expect(exported.grants).toBe(0);
    expect(exported.files).toEqual([]);
    expect(exported.warnings).toEqual(['every third-party client', 'id-a'].map((who, i) => ({
      severity: 'warning',
      message: `grant g${i + 4} of ${who} is for https://gone, which is not an API of this tenant (an orphan); it is left out, so the first plan will delete it`,
      hint: 'Delete it in the Dashboard, or let the first apply remove it.',
    })));
    expect(exported.settings.pipelineClients).toEqual([{ name: 'id-own', why: 'export ran as this application' }]);
  });

  it('counts the grants with scopes their API does not define', () => {
    const exported = exportTenant(tenantWith(
      { id: 'g1', client_id: 'id-a', audience: 'urn:stock', scope: ['read', 'write'] },
      { id: 'g2', client_id: 'id-b', audience: 'urn:stock', scope: ['x', 'y'] },
      { id: 'g3', client_id: 'id-b', audience: 'https://orders', scope: ['read'] },
    ), { host: 'h' });
    expect(exported.settings.allowUndefinedScopes).toBe('2 grant(s) use scopes their API does not define (Auth0 accepts them); remove this once they are cleaned up.');
  });

  it('warns once per other client that can write client grants on the Management API, sorted, by unique name or id', () => {
    const exported = exportTenant(tenantWith(
      { id: 'g1', client_id: 'id-b2', audience: MAPI, scope: ['delete:client_grants'] },
      { id: 'g2', client_id: 'id-b2', audience: MAPI, subject_type: 'user', scope: ['delete:client_grants'] },
      { id: 'g3', client_id: 'id-a', audience: MAPI, allow_all_scopes: true },
      { id: 'g4', client_id: 'id-b', audience: MAPI, scope: ['read:users'] },
      { id: 'g4c', client_id: 'id-c', audience: MAPI, scope: ['read:users', 'update:client_grants'] },
      { id: 'g4d', client_id: 'id-d', audience: MAPI, scope: ['create:client_grants'] },
      { id: 'g5', client_id: 'id-b', audience: 'urn:stock', scope: ['create:client_grants'] },
      { id: 'g6', audience: MAPI, default_for: 'third_party_clients', scope: ['create:client_grants'] },
      { id: 'g7', client_id: 'id-own', audience: MAPI, scope: ['update:client_grants'] },
    ), { host: 'h', ownClientId: 'id-own' });
    expect(exported.warnings.map((w) => [w.severity, w.message, w.hint])).toEqual([
      ['warning', 'alpha can change client grants (Management API), like a pipeline application; its grants are exported as managed',
        'If the pipeline runs as it, export again with --pipeline-client "alpha" (or add it to pipeline_clients), so no run ever changes its access.'],
      ['warning', 'id-b2 can change client grants (Management API), like a pipeline application; its grants are exported as managed',
        'If the pipeline runs as it, export again with --pipeline-client "id-b2" (or add it to pipeline_clients), so no run ever changes its access.'],
      ['warning', 'gamma can change client grants (Management API), like a pipeline application; its grants are exported as managed',
        'If the pipeline runs as it, export again with --pipeline-client "gamma" (or add it to pipeline_clients), so no run ever changes its access.'],
      ['warning', 'delta can change client grants (Management API), like a pipeline application; its grants are exported as managed',
        'If the pipeline runs as it, export again with --pipeline-client "delta" (or add it to pipeline_clients), so no run ever changes its access.'],
    ]);
  });

  it('a file is named after its API\'s name when it has one', () => {
    const tenant = { ...base, resourceServers: [{ identifier: 'https://inv.example.com', name: 'Inventory Service', scopes: [] }], grants: [{ id: 'g', client_id: 'id-a', audience: 'https://inv.example.com', scope: [] }] };
    expect(exportTenant(tenant, { host: 'h' }).files.map((f) => [f.name, f.title])).toEqual([['inventory-service.yaml', 'Inventory Service (https://inv.example.com)']]);
  });

  it('the tenant\'s global client is no client of its own', () => {
    expect(() => exportTenant(tenantWith(), { host: 'h', pipelineClients: ['All Applications'] })).toThrow('--pipeline-client "All Applications" matches no client in the tenant');
    expect(() => exportTenant(tenantWith(), { host: 'h', pipelineClients: ['id-all'] })).toThrow('matches no client');
  });

  it('pipeline clients by id are named by their unique name, else their id', () => {
    const exported = exportTenant(tenantWith(), { host: 'h', pipelineClients: ['id-b', 'alpha', 'id-a'] });
    expect(exported.settings.pipelineClients).toEqual([
      { name: 'id-b', why: 'named with --pipeline-client' },
      { name: 'alpha', why: 'named with --pipeline-client' },
    ]);
  });
});

describe('tenantNameOf', () => {
  it('the host of the first system API that has one', () => {
    const rs = (identifier: string, is_system?: boolean) => ({ identifier, scopes: [], ...(is_system === undefined ? {} : { is_system }) });
    const name = (...resourceServers: ReturnType<typeof rs>[]) => tenantNameOf({ clients: [], grants: [], resourceServers });
    expect(name(rs('urn:auth0:mgmt', true), rs('https://b.auth0.com/api/v2/', true))).toBe('b.auth0.com');
    expect(name(rs('https://x.example/', false), rs('https://c.auth0.com:8443/api/v2/', true), rs('https://d/', true))).toBe('c.auth0.com:8443');
    expect(name(rs('https://x.example/'))).toBeUndefined();
  });
});
