// Declared grants + what the tenant has → desired grants keyed by id, or Problems. Pure.
import type {
  ClientSummary,
  DeclaredGrant,
  DesiredGrant,
  GrantKey,
  Ownership,
  Problem,
  ResourceServerSummary,
  Settings,
  TenantSnapshot,
} from '../model/types.js';
import { excerpt, quoted } from '../util/excerpt.js';
import { nearest } from '../util/suggest.js';
import { grantKeyString, normalizeState } from '../diff/state.js';

/** `audience: auth0-management-api` means this tenant's Management API (the resource server with is_system). */
export const MANAGEMENT_API_ALIAS = 'auth0-management-api';

export interface Resolution {
  desired: DesiredGrant[];
  ownership: Ownership;
  problems: Problem[];
  /** Worth telling, not worth stopping for. */
  warnings: Problem[];
}

export interface ResolveInput {
  settings: Settings;
  declared: DeclaredGrant[];
  tenant: TenantSnapshot;
  /** The client grantsync runs as, when known. */
  ownClientId?: string;
}

export function resolveDesiredState({ settings, declared, tenant, ownClientId }: ResolveInput): Resolution {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const clients = tenant.clients.filter((c) => !c.global);
  const byId = new Map(clients.map((c) => [c.client_id, c]));
  const byName = new Map<string, ClientSummary[]>();
  for (const client of clients) {
    const list = byName.get(client.name) ?? [];
    list.push(client);
    byName.set(client.name, list);
  }
  const apis = new Map<string, ResourceServerSummary>(tenant.resourceServers.map((rs) => [rs.identifier, rs]));
  const managementApi = tenant.resourceServers.find((rs) => rs.is_system)?.identifier;
  const manage: Settings['manage'] =
    settings.manage === 'all'
      ? 'all'
      : { audiences: settings.manage.audiences.map((a) => (a === MANAGEMENT_API_ALIAS && managementApi ? managementApi : a)) };

  // Exclusions name clients by name or id; every client they match is excluded.
  const excludedClientIds = new Set<string>();
  settings.exclude.clients.forEach((entry, i) => {
    const matches = byId.has(entry) ? [byId.get(entry)!] : (byName.get(entry) ?? []);
    if (matches.length === 0) {
      const suggestions = nearest(entry, clients.map((c) => c.name));
      warnings.push({
        location: settings.locations[`exclude.clients.${i}`],
        message: `exclude.clients names ${quoted(entry)}, which matches no client in the tenant`,
        hint: suggestions.length ? `Did you mean ${quoteList(suggestions)}?` : 'Remove it if the client is gone.',
      });
    }
    for (const client of matches) excludedClientIds.add(client.client_id);
  });
  if (manage !== 'all') {
    manage.audiences.forEach((audience, i) => {
      if (!apis.has(audience)) {
        warnings.push({
          location: settings.locations[`manage.audiences.${i}`],
          message: `manage.audiences lists ${quoted(audience)}, which is not an API of this tenant`,
          hint: 'Check the identifier in the Dashboard (APIs → Settings → Identifier).',
        });
      }
    });
  }
  const ownership: Ownership = {
    manage,
    excludedClientIds: [...excludedClientIds].sort(),
    ...(ownClientId ? { ownClientId } : {}),
  };

  const systemGrantKeys = new Set(tenant.grants.filter((g) => g.is_system && g.client_id).map((g) => grantKeyString({
    client_id: g.client_id!,
    audience: g.audience,
    subject_type: g.subject_type ?? 'client',
  })));
  const firstDeclaration = new Map<string, DeclaredGrant>();
  const desired: DesiredGrant[] = [];

  for (const grant of declared) {
    const client = resolveClient(grant);
    const api = resolveAudience(grant);
    if (api) checkScopes(grant, api);
    if (!client || !api) continue;

    const key: GrantKey = { client_id: client.client_id, audience: api.identifier, subject_type: grant.subject_type };
    const keyString = grantKeyString(key);
    const where = grant.fieldLocations.client ?? grant.fieldLocations.client_id ?? grant.source;
    const first = firstDeclaration.get(keyString);
    if (first) {
      problems.push({
        location: grant.source,
        message: `duplicate grant: ${describeClient(client)} → ${api.identifier} (${grant.subject_type}) is also declared at ${formatLocation(first.source)}`,
        hint: 'Keep one declaration and merge the scopes into it.',
      });
      continue;
    }
    firstDeclaration.set(keyString, grant);
    if (excludedClientIds.has(client.client_id)) {
      problems.push({
        location: where,
        message: `${describeClient(client)} is excluded in grantsync.yaml, so its grants cannot be declared here`,
        hint: 'Remove this grant, or remove the client from exclude.clients.',
      });
      continue;
    }
    if (ownClientId && client.client_id === ownClientId) {
      problems.push({
        location: where,
        message: `${describeClient(client)} is the client grantsync runs as; grantsync never changes its own grants`,
        hint: 'Remove this grant and manage the deployer\'s grants by hand, so a bad commit cannot lock grantsync out.',
      });
      continue;
    }
    if (manage !== 'all' && !manage.audiences.includes(api.identifier)) {
      problems.push({
        location: grant.fieldLocations.audience ?? grant.source,
        message: `audience ${api.identifier} is not managed by this directory`,
        hint: 'Add it to manage.audiences in grantsync.yaml, or remove this grant.',
      });
      continue;
    }
    if (systemGrantKeys.has(keyString)) {
      problems.push({
        location: grant.source,
        message: `${describeClient(client)} → ${api.identifier} is a system grant, which Auth0 does not let anyone change`,
        hint: 'Remove this grant from the YAML.',
      });
      continue;
    }
    desired.push({
      ...key,
      client_name: client.name,
      state: normalizeState(grant),
      source: grant.source,
    });
  }
  return { desired, ownership, problems, warnings };

  function resolveClient(grant: DeclaredGrant): ClientSummary | undefined {
    if (grant.client_id !== undefined) {
      const client = byId.get(grant.client_id);
      if (!client) {
        const named = byName.get(grant.client_id);
        problems.push({
          location: grant.fieldLocations.client_id ?? grant.source,
          message: `no client has client_id ${quoted(grant.client_id)}`,
          hint: named
            ? `${quoted(grant.client_id)} is a client name: write \`client: ${excerpt(grant.client_id)}\` instead.`
            : 'Copy the Client ID from the Dashboard (Applications → Settings), or use `client: <name>`.',
        });
      }
      return client;
    }
    const name = grant.client ?? '';
    const matches = byName.get(name) ?? [];
    if (matches.length === 1) return matches[0];
    if (matches.length === 0) {
      const suggestions = nearest(name, byName.keys());
      problems.push({
        location: grant.fieldLocations.client ?? grant.source,
        message: `no client is named ${quoted(name)}`,
        hint: suggestions.length ? `Did you mean ${quoteList(suggestions)}?` : 'Check the application name in the Dashboard, or use `client_id:`.',
      });
    } else {
      problems.push({
        location: grant.fieldLocations.client ?? grant.source,
        message: `${matches.length} clients are named ${quoted(name)}: ${matches.map((c) => c.client_id).join(', ')}`,
        hint: 'Use `client_id:` with one of these ids instead of the name.',
      });
    }
    return undefined;
  }

  function resolveAudience(grant: DeclaredGrant): ResourceServerSummary | undefined {
    // The alias lets files name the Management API without hard-coding the tenant's domain.
    const api = grant.audience === MANAGEMENT_API_ALIAS ? tenant.resourceServers.find((rs) => rs.is_system) : apis.get(grant.audience);
    if (!api) {
      const suggestions = nearest(grant.audience, apis.keys());
      problems.push({
        location: grant.fieldLocations.audience ?? grant.source,
        message: `no API has the identifier ${quoted(grant.audience)}`,
        hint: suggestions.length
          ? `Did you mean ${quoteList(suggestions)}?`
          : 'Use the API\'s Identifier exactly as in the Dashboard (APIs → Settings), trailing slash included.',
      });
    }
    return api;
  }

  function checkScopes(grant: DeclaredGrant, api: ResourceServerSummary): void {
    if (settings.allowUndefinedScopes) return;
    const defined = new Set(api.scopes);
    grant.scope.forEach((scope, i) => {
      if (defined.has(scope)) return;
      const suggestions = nearest(scope, api.scopes);
      problems.push({
        location: grant.fieldLocations[`scope.${i}`] ?? grant.source,
        message: `scope ${quoted(scope)} is not defined by the API ${api.identifier}`,
        hint: suggestions.length
          ? `Did you mean ${quoteList(suggestions)}?`
          : 'Define it on the API first (APIs → Permissions), or set `allow_undefined_scopes: true` in grantsync.yaml.',
      });
    });
  }
}

function describeClient(client: ClientSummary): string {
  return `${client.name} (${client.client_id})`;
}

function quoteList(values: string[]): string {
  return values.map((v) => `"${v}"`).join(' or ');
}

export function formatLocation(location: { file: string; line: number; column: number } | undefined): string {
  return location ? `${location.file}:${location.line}:${location.column}` : 'an unknown place';
}
