// The live tenant → grant files whose first plan is empty. Pure.
import { unmanagedReason } from '../diff/ownership.js';
import { MANAGEMENT_API_ALIAS } from '../model/grant.js';
import { tenantNameOf } from '../model/tenant.js';
import { InputError } from '../errors.js';
import type { ClientSummary, LiveGrant, Ownership, Problem, TenantSnapshot } from '../model/types.js';
import { layoutFiles, slug, type ExportFile, type ExportGrant, type SettingsExport } from './write.js';

export interface TenantExport {
  files: ExportFile[];
  settings: SettingsExport;
  warnings: Problem[];
  grants: number;
}

export interface ExportOptions {
  host: string;
  ownClientId?: string;
  /** More pipeline applications (`export --pipeline-client`), by name or id; the running client always is one. */
  pipelineClients?: readonly string[];
}

export function exportTenant(tenant: TenantSnapshot, opts: ExportOptions): TenantExport {
  const warnings: Problem[] = [];
  const clients = new Map(tenant.clients.filter((c) => !c.global).map((c) => [c.client_id, c]));
  const nameCount = new Map<string, number>();
  for (const c of clients.values()) nameCount.set(c.name, (nameCount.get(c.name) ?? 0) + 1);
  const apis = new Map(tenant.resourceServers.map((rs) => [rs.identifier, rs]));
  const pipeline = pipelineClients(clients, opts);
  // The running client is one of the pipeline clients: no need to name it again as ownClientId.
  const ownership = {
    manage: 'all' as const,
    // Stryker disable next-line ArrayDeclaration: export excludes no client; a client id is 32 letters and digits, so a made-up entry matches none
    excludedClientIds: [],
    pipelineClientIds: pipeline.map((p) => p.id),
  };
  const uniqueName = (id: string): string => {
    const client = clients.get(id);
    return client && nameCount.get(client.name) === 1 ? client.name : id;
  };
  warnings.push(...unlistedDeployers(tenant, ownership, uniqueName));

  const organizationNames = new Map(tenant.organizations?.map((o) => [o.id, o.name] as const));
  const grants: ExportGrant[] = [];
  let undefinedScopes = 0;
  for (const grant of tenant.grants) {
    if (unmanagedReason(grant, ownership)) continue;
    const api = apis.get(grant.audience);
    if (!api) {
      warnings.push({
      severity: 'warning',
        message: `grant ${grant.id} of ${grant.client_id ?? 'every third-party client'} is for ${grant.audience}, which is not an API of this tenant (an orphan); it is left out, so the first plan will delete it`,
        hint: 'Delete it in the Dashboard, or let the first apply remove it.',
      });
      continue;
    }
    const scope = [...(grant.scope ?? [])];
    if (scope.some((s) => !api.scopes.includes(s))) undefinedScopes++;
    grants.push({
      client: exportedClient(grant, clients, nameCount),
      audience: api.is_system ? MANAGEMENT_API_ALIAS : api.identifier,
      scope,
      ...(grant.allow_all_scopes ? { allow_all_scopes: true } : {}),
      subject_type: grant.subject_type ?? 'client',
      ...(grant.organization_usage ? { organization_usage: grant.organization_usage } : {}),
      ...(grant.allow_any_organization ? { allow_any_organization: true } : {}),
      ...(grant.authorization_details_types?.length ? { authorization_details_types: [...grant.authorization_details_types] } : {}),
      ...(grant.organizations?.length ? { organizations: grant.organizations.map((id) => organizationNames.get(id) ?? id) } : {}),
    });
  }
  const files = layoutFiles(grants, (audience) => {
    if (audience === MANAGEMENT_API_ALIAS) return { slug: 'auth0-management-api', title: 'Auth0 Management API' };
    const api = apis.get(audience)!;
    return { slug: slug(api.name ?? api.identifier), title: `${api.name ?? api.identifier} (${api.identifier})` };
  });
  return {
    files,
    grants: grants.length,
    warnings,
    settings: {
      tenant: opts.host,
      ...(tenantNameOf(tenant) !== undefined ? { tenantName: tenantNameOf(tenant) } : {}),
      pipelineClients: pipeline.map((p) => ({ name: uniqueName(p.id), why: p.why })),
      excludeClients: [],
      ...(undefinedScopes > 0
        ? { allowUndefinedScopes: `${undefinedScopes} grant(s) use scopes their API does not define (Auth0 accepts them); remove this once they are cleaned up.` }
        : {}),
    },
  };
}

function exportedClient(grant: LiveGrant, clients: ReadonlyMap<string, ClientSummary>, nameCount: ReadonlyMap<string, number>): ExportGrant['client'] {
  if (grant.client_id === undefined) return { default: 'third_party_clients' };
  const client = clients.get(grant.client_id);
  return client && nameCount.get(client.name) === 1 ? { name: client.name } : { id: grant.client_id, comment: client ? `${client.name} (the name is not unique)` : 'no such client' };
}

/** The running client and the ones named with --pipeline-client; an unknown or ambiguous name is an error. */
function pipelineClients(clients: ReadonlyMap<string, ClientSummary>, opts: ExportOptions): { id: string; why: string }[] {
  const found: { id: string; why: string }[] = [];
  if (opts.ownClientId) found.push({ id: opts.ownClientId, why: 'export ran as this application' });
  for (const entry of opts.pipelineClients ?? []) {
    const matches = clients.has(entry) ? [clients.get(entry)!] : [...clients.values()].filter((c) => c.name === entry);
    if (matches.length !== 1) {
      const why = matches.length === 0 ? 'matches no client in the tenant' : `names ${matches.length} clients; use the client_id`;
      throw new InputError([{ message: `--pipeline-client ${JSON.stringify(entry)} ${why}`, hint: 'Name the application the other pipeline job runs as, by name or client_id.' }]);
    }
    if (!found.some((f) => f.id === matches[0]!.client_id)) found.push({ id: matches[0]!.client_id, why: 'named with --pipeline-client' });
  }
  return found;
}

/**
 * Other clients that can write client grants look like another pipeline application (the plan app of
 * a two-application set-up): with `manage: all` the first apply would manage, and may delete, their access.
 */
function unlistedDeployers(tenant: TenantSnapshot, ownership: Ownership, nameOf: (id: string) => string): Problem[] {
  const management = new Set(tenant.resourceServers.filter((rs) => rs.is_system).map((rs) => rs.identifier));
  const ids = new Set<string>();
  for (const grant of tenant.grants) {
    if (!grant.client_id || !management.has(grant.audience) || unmanagedReason(grant, ownership)) continue;
    if (grant.scope?.some((s) => DEPLOYER_SCOPES.has(s)) || grant.allow_all_scopes) ids.add(grant.client_id);
  }
  return [...ids].sort().map((id) => ({
    severity: 'warning' as const,
    message: `${nameOf(id)} can change client grants (Management API), like a pipeline application; its grants are exported as managed`,
    hint: `If the pipeline runs as it, export again with --pipeline-client ${JSON.stringify(nameOf(id))} (or add it to pipeline_clients), so no run ever changes its access.`,
  }));
}

const DEPLOYER_SCOPES: ReadonlySet<string> = new Set(['create:client_grants', 'update:client_grants', 'delete:client_grants']);
