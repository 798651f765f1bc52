// The emulated tenant as data (what the state file holds), and how a seed becomes one.
import { managementApi, type PublicKeyCredential, type Seed, type SeedClient, type SeedGrant } from './seed.js';

export interface StoredClient {
  client_id: string;
  name: string;
  app_type?: string;
  is_first_party: boolean;
  global: boolean;
  client_secret?: string;
  grant_types: string[];
  public_keys?: PublicKeyCredential[];
}

export interface StoredResourceServer {
  id: string;
  name: string;
  identifier: string;
  is_system?: true;
  scopes: { value: string; description: string }[];
  /** Seconds an access token for this API lives; Auth0's default is 86,400. */
  token_lifetime: number;
  subject_type_authorization?: Record<string, { policy: string }>;
}

/** A grant exactly as Auth0 stores it: unset keys are absent. */
export interface StoredGrant {
  id: string;
  client_id?: string;
  audience: string;
  scope?: string[];
  organization_usage?: string;
  allow_any_organization?: boolean;
  is_system?: true;
  subject_type: string;
  authorization_details_types?: string[];
  allow_all_scopes?: boolean;
  default_for?: string;
}

export interface StoredOrganization {
  id: string;
  name: string;
  display_name?: string;
}

export interface TenantState {
  tenant: string;
  clients: StoredClient[];
  resourceServers: StoredResourceServer[];
  grants: StoredGrant[];
  /** Optional so that state files written before organizations existed still load. */
  organizations?: StoredOrganization[];
  /** organization id → ids of its associated client grants, in the order they were added. */
  organizationGrants?: Record<string, string[]>;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomId(length: number, random: () => number = Math.random): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[Math.floor(random() * ALPHANUMERIC.length)];
  return out;
}

/** The tenant a seed describes, with what every Auth0 tenant has (the global client, the Management API). */
export function stateFromSeed(seed: Seed, random: () => number): TenantState {
    const clients: StoredClient[] = (seed.clients ?? []).map((c: SeedClient) => ({
    client_id: c.client_id,
    name: c.name,
    ...(c.app_type ? { app_type: c.app_type } : {}),
    is_first_party: c.is_first_party ?? true,
    global: c.global ?? false,
    ...(c.client_secret ? { client_secret: c.client_secret } : {}),
    grant_types: c.grant_types ?? defaultGrantTypes(c.app_type),
    ...(c.public_keys?.length ? { public_keys: c.public_keys.map((k) => ({ ...k })) } : {}),
  }));
  if (!clients.some((c) => c.global)) {
    // Every tenant has the legacy global client "All Applications" (recorded).
    clients.push({ client_id: randomId(32, random), name: 'All Applications', is_first_party: true, global: true, grant_types: [] });
  }
  const apis = [...(seed.resource_servers ?? [])];
  if (!apis.some((rs) => rs.is_system)) apis.unshift(managementApi(seed.tenant));
  const resourceServers: StoredResourceServer[] = apis.map((rs) => ({
    id: rs.id ?? randomHex(24, random),
    name: rs.name ?? rs.identifier,
    identifier: rs.identifier,
    ...(rs.is_system ? { is_system: true as const } : {}),
    scopes: (rs.scopes ?? []).map((s) => (typeof s === 'string' ? { value: s, description: s } : { value: s.value, description: s.description ?? s.value })),
    token_lifetime: rs.token_lifetime ?? 86_400,
    ...(rs.subject_type_authorization ? { subject_type_authorization: structuredClone(rs.subject_type_authorization) } : {}),
  }));
  const nameToId = new Map(clients.map((c) => [c.name, c.client_id]));
  const grants: StoredGrant[] = (seed.client_grants ?? []).map((g: SeedGrant) => {
    const clientId = g.client_id ?? (g.client !== undefined ? nameToId.get(g.client) : undefined);
    if (g.client !== undefined && clientId === undefined) throw new Error(`seed grant names unknown client "${g.client}"`);
    return {
      id: g.id ?? `cgr_${randomId(16, random)}`,
      ...(clientId ? { client_id: clientId } : {}),
      audience: g.audience,
      ...(g.allow_all_scopes ? {} : { scope: [...(g.scope ?? [])] }),
      ...(g.organization_usage ? { organization_usage: g.organization_usage } : {}),
      ...(g.allow_any_organization !== undefined ? { allow_any_organization: g.allow_any_organization } : {}),
      ...(g.is_system ? { is_system: true as const } : {}),
      subject_type: g.subject_type ?? 'client',
      ...(g.authorization_details_types ? { authorization_details_types: [...g.authorization_details_types] } : {}),
      ...(g.allow_all_scopes !== undefined ? { allow_all_scopes: g.allow_all_scopes } : {}),
      ...(g.default_for ? { default_for: g.default_for } : {}),
      ...(g.extra ?? {}),
    };
  });
  const organizations: StoredOrganization[] = (seed.organizations ?? []).map((o) => ({
    id: o.id ?? `org_${randomId(16, random)}`,
    name: o.name,
    ...(o.display_name ? { display_name: o.display_name } : {}),
  }));
  const organizationGrants = seedAssociations(seed, grants, organizations);
  return { tenant: seed.tenant, clients, resourceServers, grants, ...(organizations.length > 0 ? { organizations, organizationGrants } : {}) };
}

/**
 * The grant types Auth0 gives a new application of a type: client credentials for a machine-to-machine
 * one, user flows only for public ones (SPA, native), both for the rest (a regular web application, or
 * one created without a type).
 */
function defaultGrantTypes(appType: string | undefined): string[] {
  if (appType === 'non_interactive') return ['client_credentials'];
  if (appType === 'spa' || appType === 'native') return ['authorization_code', 'implicit', 'refresh_token'];
  return ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'];
}

/** Seed grants name their organizations (by name or id); the tenant stores the associations per organization. */
function seedAssociations(seed: Seed, grants: StoredGrant[], organizations: StoredOrganization[]): Record<string, string[]> {
  const associations: Record<string, string[]> = Object.fromEntries(organizations.map((o) => [o.id, []]));
  (seed.client_grants ?? []).forEach((g, i) => {
    for (const entry of g.organizations ?? []) {
      const org = organizations.find((o) => o.id === entry || o.name === entry);
      if (!org) throw new Error(`seed grant names unknown organization "${entry}"`);
      associations[org.id]!.push(grants[i]!.id);
    }
  });
  return associations;
}

function randomHex(length: number, random: () => number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

