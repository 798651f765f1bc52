// The tenant, indexed for resolving names: clients by id and by name, APIs by identifier. Pure.
import type { ClientSummary, OrganizationSummary, ResourceServerSummary, TenantSnapshot } from '../model/types.js';

export interface TenantIndex {
  /** Clients that grants can name (the global client excluded). */
  clients: ClientSummary[];
  byId: ReadonlyMap<string, ClientSummary>;
  /** Names are not unique in Auth0: a name maps to every client that has it. */
  byName: ReadonlyMap<string, ClientSummary[]>;
  apis: ReadonlyMap<string, ResourceServerSummary>;
  /** The resource server with is_system: the tenant's Management API. */
  managementApi: ResourceServerSummary | undefined;
  /** Organizations by id and by name (names are unique in Auth0); empty when they were not read. */
  organizations: { byId: ReadonlyMap<string, OrganizationSummary>; byName: ReadonlyMap<string, OrganizationSummary> };
}

export function indexTenant(tenant: TenantSnapshot): TenantIndex {
  const clients = tenant.clients.filter((c) => !c.global);
  const byName = new Map<string, ClientSummary[]>();
  for (const client of clients) {
    const list = byName.get(client.name);
    if (list) list.push(client);
    else byName.set(client.name, [client]);
  }
  return {
    clients,
    byId: new Map(clients.map((c) => [c.client_id, c])),
    byName,
    apis: new Map(tenant.resourceServers.map((rs) => [rs.identifier, rs])),
    managementApi: tenant.resourceServers.find((rs) => rs.is_system),
    organizations: {
      byId: new Map((tenant.organizations ?? []).map((o) => [o.id, o])),
      byName: new Map((tenant.organizations ?? []).map((o) => [o.name, o])),
    },
  };
}

/** A settings entry that names clients by id or by name: every client it matches. */
export function clientsNamed(index: TenantIndex, entry: string): ClientSummary[] {
  const byId = index.byId.get(entry);
  return byId ? [byId] : (index.byName.get(entry) ?? []);
}
