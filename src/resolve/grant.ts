// One declared grant → a desired grant, or the problems that stop it: its client, its API, its
// scopes, and whether this directory may declare it at all. Pure.
import { grantKeyString, MANAGEMENT_API_ALIAS, normalizeState } from '../model/grant.js';
import type { ClientSummary, DeclaredGrant, DesiredGrant, GrantKey, Ownership, Problem, ResourceServerSummary } from '../model/types.js';
import { excerpt, quoted } from '../util/excerpt.js';
import { nearest } from '../util/suggest.js';
import type { TenantIndex } from './tenant-index.js';
import { describeClient, didYouMean, formatLocation } from './words.js';

export interface GrantContext {
  index: TenantIndex;
  ownership: Ownership;
  /** Identities of live system grants, which nobody may change. */
  systemGrantKeys: ReadonlySet<string>;
  allowUndefinedScopes: boolean;
  /** Where each identity was first declared, for duplicates across files. */
  firstDeclaration: Map<string, DeclaredGrant>;
}

export function resolveGrant(grant: DeclaredGrant, context: GrantContext, problems: Problem[]): DesiredGrant | undefined {
  const client = resolveClient(grant, context.index, problems);
  const api = resolveAudience(grant, context.index, problems);
  if (api && !context.allowUndefinedScopes) checkScopes(grant, api, problems);
  if (!client || !api) return undefined;

  const key: GrantKey = { client_id: client.client_id, audience: api.identifier, subject_type: grant.subject_type };
  const keyString = grantKeyString(key);
  const first = context.firstDeclaration.get(keyString);
  if (first) {
    problems.push({
      location: grant.source,
      message: `duplicate grant: ${describeClient(client)} → ${api.identifier} (${grant.subject_type}) is also declared at ${formatLocation(first.source)}`,
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
  return { ...key, client_name: client.name, state: normalizeState(grant), source: grant.source };
}

/** Grants that fall outside what this directory owns may not be declared: an error, never a no-op. */
function notDeclarable(grant: DeclaredGrant, client: ClientSummary, api: ResourceServerSummary, keyString: string, context: GrantContext): Problem | undefined {
  const { ownership } = context;
  const where = grant.fieldLocations.client ?? grant.fieldLocations.client_id ?? grant.source;
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
  if (ownership.manage !== 'all' && !ownership.manage.audiences.includes(api.identifier)) {
    return {
      location: grant.fieldLocations.audience ?? grant.source,
      message: `audience ${api.identifier} is not managed by this directory`,
      hint: 'Add it to manage.audiences in grantsync.yaml, or remove this grant.',
    };
  }
  if (context.systemGrantKeys.has(keyString)) {
    return {
      location: grant.source,
      message: `${describeClient(client)} → ${api.identifier} is a system grant, which Auth0 does not let anyone change`,
      hint: 'Remove this grant from the YAML.',
    };
  }
  return undefined;
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
          hint: didYouMean(nearest(name, index.byName.keys()), 'Check the application name in the Dashboard, or use `client_id:`.'),
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
      hint: didYouMean(
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
      hint: didYouMean(
        nearest(scope, api.scopes),
        'Define it on the API first (APIs → Permissions), or set `allow_undefined_scopes: true` in grantsync.yaml.',
      ),
    });
  });
}
