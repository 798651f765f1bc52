// The live tenant → grant files whose first plan is empty. Pure.
import { unmanagedReason } from '../diff/ownership.js';
import { MANAGEMENT_API_ALIAS } from '../resolve/resolve.js';
import type { Problem, TenantSnapshot } from '../model/types.js';
import { layoutFiles, slug, type ExportFile, type ExportGrant, type SettingsExport } from './write.js';

export interface TenantExport {
  files: ExportFile[];
  settings: SettingsExport;
  warnings: Problem[];
  grants: number;
}

export function exportTenant(tenant: TenantSnapshot, opts: { host: string; ownClientId?: string }): TenantExport {
  const warnings: Problem[] = [];
  const clients = new Map(tenant.clients.filter((c) => !c.global).map((c) => [c.client_id, c]));
  const nameCount = new Map<string, number>();
  for (const c of clients.values()) nameCount.set(c.name, (nameCount.get(c.name) ?? 0) + 1);
  const apis = new Map(tenant.resourceServers.map((rs) => [rs.identifier, rs]));
  const ownership = { manage: 'all' as const, excludedClientIds: [], ...(opts.ownClientId ? { ownClientId: opts.ownClientId } : {}) };

  // Grants that YAML cannot express (every scope allowed) keep their client out of management.
  const excluded = new Map<string, string>();
  for (const grant of tenant.grants) {
    if (grant.allow_all_scopes && grant.client_id && !unmanagedReason(grant, ownership)) {
      excluded.set(grant.client_id, 'has a grant with allow_all_scopes, which grantsync does not manage');
    }
  }

  const grants: ExportGrant[] = [];
  let undefinedScopes = 0;
  for (const grant of tenant.grants) {
    if (unmanagedReason(grant, ownership) || excluded.has(grant.client_id!)) continue;
    const api = apis.get(grant.audience);
    if (!api) {
      warnings.push({
        message: `grant ${grant.id} of ${grant.client_id} is for ${grant.audience}, which is not an API of this tenant (an orphan); it is left out, so the first plan will delete it`,
        hint: 'Delete it in the Dashboard, or let the first apply remove it.',
      });
      continue;
    }
    const client = clients.get(grant.client_id!);
    const scope = [...(grant.scope ?? [])];
    if (scope.some((s) => !api.scopes.includes(s))) undefinedScopes++;
    grants.push({
      client: client && nameCount.get(client.name) === 1 ? { name: client.name } : { id: grant.client_id!, comment: client ? `${client.name} (the name is not unique)` : 'no such client' },
      audience: api.is_system ? MANAGEMENT_API_ALIAS : api.identifier,
      scope,
      subject_type: grant.subject_type ?? 'client',
      ...(grant.organization_usage ? { organization_usage: grant.organization_usage } : {}),
      ...(grant.allow_any_organization ? { allow_any_organization: true } : {}),
    });
  }
  const files = layoutFiles(grants, (audience) => {
    if (audience === MANAGEMENT_API_ALIAS) return { slug: 'auth0-management-api', title: 'Auth0 Management API' };
    const api = apis.get(audience)!;
    return { slug: slug(api.name && api.name !== api.identifier ? api.name : api.identifier), title: `${api.name ?? api.identifier} (${api.identifier})` };
  });
  return {
    files,
    grants: grants.length,
    warnings,
    settings: {
      tenant: opts.host,
      excludeClients: [...excluded].map(([id, why]) => {
        const client = clients.get(id);
        return { name: client && nameCount.get(client.name) === 1 ? client.name : id, why };
      }),
      ...(undefinedScopes > 0
        ? { allowUndefinedScopes: `${undefinedScopes} grant(s) use scopes their API does not define (Auth0 accepts them); remove this once they are cleaned up.` }
        : {}),
    },
  };
}
