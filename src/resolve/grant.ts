// One declared grant → a desired grant, or the problems that stop it: its client, its API, its
// scopes, and whether this directory may declare it at all. Pure.
import { grantKeyString, MANAGEMENT_API_ALIAS, normalizeState } from '../model/grant.js';
import type { ClientSummary, DeclaredGrant, DesiredGrant, GrantKey, Ownership, Problem, ResourceServerSummary } from '../model/types.js';
import { excerpt, quoted } from '../util/excerpt.js';
import { nearest } from '../util/suggest.js';
import type { TenantIndex } from './tenant-index.js';
import { describeClient, suggestOr, formatLocation } from './words.js';

export interface GrantContext {
  index: TenantIndex;
  ownership: Ownership;
  /** Identities of live grants nobody may change (system grants, unknown fields) → why. */
  untouchableKeys: ReadonlyMap<string, string>;
  allowUndefinedScopes: boolean;
  /** Where each identity was first declared, for duplicates across files. */
  firstDeclaration: Map<string, DeclaredGrant>;
}

export function resolveGrant(grant: DeclaredGrant, context: GrantContext, problems: Problem[]): DesiredGrant | undefined {
  const client = grant.default_for ? DEFAULT_GRANT_CLIENT : resolveClient(grant, context.index, problems);
  const api = resolveAudience(grant, context.index, problems);
  if (api && !context.allowUndefinedScopes) checkScopes(grant, api, problems);
  if (api?.is_system) problems.push(...systemApiProblems(grant));
  const organizations = resolveOrganizations(grant, context.index, problems);
  if (!client || !api || !organizations) return undefined;

  const key: GrantKey = grant.default_for
    ? { client_id: '', audience: api.identifier, subject_type: 'client', default_for: grant.default_for }
    : { client_id: client.client_id, audience: api.identifier, subject_type: grant.subject_type };
  const keyString = grantKeyString(key);
  const first = context.firstDeclaration.get(keyString);
  if (first) {
    problems.push({
      location: grant.source,
      message: `duplicate grant: ${describeGrant(grant, client)} → ${api.identifier}${grant.default_for ? '' : ` (${grant.subject_type})`} is also declared at ${formatLocation(first.source)}`,
      hint: 'Keep one declaration and merge the scopes into it.',
    });
    return undefined;
  }
  context.firstDeclaration.set(keyString, grant);
  const refusal = notDeclarable(grant, client, api, keyString, context);
  if (refusal) {
    problems.push(refusal);
    return undefined;
  }
  const state = normalizeState({ ...grant, organizations });
  return { ...key, ...(grant.default_for ? {} : { client_name: client.name }), state, source: grant.source };
}

/** Stands in for the client of a default grant, which has none. */
const DEFAULT_GRANT_CLIENT: ClientSummary = { client_id: '', name: 'every third-party client' };

function describeGrant(grant: DeclaredGrant, client: ClientSummary): string {
  return grant.default_for ? 'the default grant for third-party clients' : describeClient(client);
}

/** What Auth0 refuses on its own APIs (the Management API): wildcard grants and default grants. */
function systemApiProblems(grant: DeclaredGrant): Problem[] {
  const problems: Problem[] = [];
  if (grant.fieldLocations.allow_all_scopes) {
    problems.push({
      location: grant.fieldLocations.allow_all_scopes,
      message: '`allow_all_scopes` cannot be used with the Management API; Auth0 rejects it on system APIs',
      hint: 'List the Management API scopes the client needs in `scope: [...]`.',
    });
  }
  if (grant.default_for) {
    problems.push({
      location: grant.fieldLocations.default_for ?? grant.source,
      message: 'a default grant cannot be for the Management API; Auth0 does not grant system APIs to third-party clients',
      hint: 'Remove this grant, or make it a grant to one application with `client:`.',
    });
  }
  return problems;
}

/** `organizations:` by name or id → ids; undefined (with problems) when one names no organization. */
function resolveOrganizations(grant: DeclaredGrant, index: TenantIndex, problems: Problem[]): string[] | undefined {
  const ids: string[] = [];
  let ok = true;
  (grant.organizations ?? []).forEach((entry, i) => {
    const found = index.organizations.byId.get(entry) ?? index.organizations.byName.get(entry);
    if (found) {
      ids.push(found.id);
      return;
    }
    ok = false;
    problems.push({
      location: grant.fieldLocations[`organizations.${i}`] ?? grant.fieldLocations.organizations ?? grant.source,
      message: `no organization is named ${quoted(entry)} or has that id`,
      ...suggestOr(nearest(entry, index.organizations.byName.keys()), 'Use the organization\'s name (Organizations → Settings → Name) or its id (org_…).'),
    });
  });
  if (ok && new Set(ids).size !== ids.length) {
    problems.push({
      location: grant.fieldLocations.organizations ?? grant.source,
      message: '`organizations` names the same organization twice (by name and by id)',
      hint: 'Name each organization once.',
    });
    return undefined;
  }
  return ok ? ids : undefined;
}

/** Grants that fall outside what this directory owns may not be declared: an error, never a no-op. */
function notDeclarable(grant: DeclaredGrant, client: ClientSummary, api: ResourceServerSummary, keyString: string, context: GrantContext): Problem | undefined {
  const { ownership } = context;
  const where = grant.fieldLocations.client ?? grant.fieldLocations.client_id ?? grant.source;
  const untouchable = context.untouchableKeys.get(keyString);
  if (untouchable !== undefined && untouchable !== 'system') {
    return {
      location: grant.source,
      message: `the live grant ${describeGrant(grant, client)} → ${api.identifier} has ${excerpt(untouchable)}, which grantsync does not know, so it cannot manage it`,
      hint: 'Remove this grant from the YAML and manage it in the Dashboard, or upgrade grantsync.',
    };
  }
  if (grant.default_for) return manageRefusal(grant, api, ownership);
  if (ownership.excludedClientIds.includes(client.client_id)) {
    return {
      location: where,
      message: `${describeClient(client)} is excluded in grantsync.yaml, so its grants cannot be declared here`,
      hint: 'Remove this grant, or remove the client from exclude.clients.',
    };
  }
  if (ownership.pipelineClientIds?.includes(client.client_id)) {
    return {
      location: where,
      message: `${describeClient(client)} is listed in pipeline_clients; grantsync never changes the grants of the clients it runs as`,
      hint: "Remove this grant and manage the pipeline's grants by hand, so a bad commit cannot lock the pipeline out.",
    };
  }
  if (ownership.ownClientId !== undefined && client.client_id === ownership.ownClientId) {
    return {
      location: where,
      message: `${describeClient(client)} is the client grantsync runs as; grantsync never changes its own grants`,
      hint: "Remove this grant and manage the deployer's grants by hand, so a bad commit cannot lock grantsync out.",
    };
  }
  const outside = manageRefusal(grant, api, ownership);
  if (outside) return outside;
  if (untouchable === 'system') {
    return {
      location: grant.source,
      message: `${describeClient(client)} → ${api.identifier} is a system grant, which Auth0 does not let anyone change`,
      hint: 'Remove this grant from the YAML.',
    };
  }
  return undefined;
}

function manageRefusal(grant: DeclaredGrant, api: ResourceServerSummary, ownership: Ownership): Problem | undefined {
  if (ownership.manage === 'all' || ownership.manage.audiences.includes(api.identifier)) return undefined;
  return {
    location: grant.fieldLocations.audience ?? grant.source,
    message: `audience ${api.identifier} is not managed by this directory`,
    hint: 'Add it to manage.audiences in grantsync.yaml, or remove this grant.',
  };
}

function resolveClient(grant: DeclaredGrant, index: TenantIndex, problems: Problem[]): ClientSummary | undefined {
  if (grant.client_id !== undefined) {
    const client = index.byId.get(grant.client_id);
    if (!client) {
      problems.push({
        location: grant.fieldLocations.client_id ?? grant.source,
        message: `no client has client_id ${quoted(grant.client_id)}`,
        hint: index.byName.has(grant.client_id)
          ? `${quoted(grant.client_id)} is a client name: write \`client: ${excerpt(grant.client_id)}\` instead.`
          : 'Copy the Client ID from the Dashboard (Applications → Settings), or use `client: <name>`.',
      });
    }
    return client;
  }
  const name = grant.client ?? '';
  const matches = index.byName.get(name) ?? [];
  if (matches.length === 1) return matches[0];
  problems.push(
    matches.length === 0
      ? {
          location: grant.fieldLocations.client ?? grant.source,
          message: `no client is named ${quoted(name)}`,
          ...suggestOr(nearest(name, index.byName.keys()), 'Check the application name in the Dashboard, or use `client_id:`.'),
        }
      : {
          location: grant.fieldLocations.client ?? grant.source,
          message: `${matches.length} clients are named ${quoted(name)}: ${matches.map((c) => c.client_id).join(', ')}`,
          hint: 'Use `client_id:` with one of these ids instead of the name.',
        },
  );
  return undefined;
}

function resolveAudience(grant: DeclaredGrant, index: TenantIndex, problems: Problem[]): ResourceServerSummary | undefined {
  // The alias lets files name the Management API without hard-coding the tenant's domain.
  const api = grant.audience === MANAGEMENT_API_ALIAS ? index.managementApi : index.apis.get(grant.audience);
  if (!api) {
    problems.push({
      location: grant.fieldLocations.audience ?? grant.source,
      message: `no API has the identifier ${quoted(grant.audience)}`,
      ...suggestOr(
        nearest(grant.audience, index.apis.keys()),
        "Use the API's Identifier exactly as in the Dashboard (APIs → Settings), trailing slash included.",
      ),
    });
  }
  return api;
}

function checkScopes(grant: DeclaredGrant, api: ResourceServerSummary, problems: Problem[]): void {
  const defined = new Set(api.scopes);
  grant.scope.forEach((scope, i) => {
    if (defined.has(scope)) return;
    problems.push({
      location: grant.fieldLocations[`scope.${i}`] ?? grant.source,
      message: `scope ${quoted(scope)} is not defined by the API ${api.identifier}`,
      ...suggestOr(
        nearest(scope, api.scopes),
        'Define it on the API first (APIs → Permissions), or set `allow_undefined_scopes: true` in grantsync.yaml.',
      ),
    });
  });
}
