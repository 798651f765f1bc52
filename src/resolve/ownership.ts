// Settings → who owns what: `manage` (with the Management API alias), exclusions, pipeline clients
// and the running client. Declared, never guessed. Pure.
import { MANAGEMENT_API_ALIAS } from '../model/grant.js';
import type { Ownership, Problem, Settings } from '../model/types.js';
import { quoted } from '../util/excerpt.js';
import { nearest } from '../util/suggest.js';
import { clientsNamed, type TenantIndex } from './tenant-index.js';
import { describeClient, suggestOr } from './words.js';

export interface OwnershipResolution {
  ownership: Ownership;
  problems: Problem[];
  warnings: Problem[];
}

export function resolveOwnership(settings: Settings, index: TenantIndex, ownClientId: string | undefined): OwnershipResolution {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const excludedClientIds = resolveExclusions(settings, index, warnings);
  const manage = resolveManage(settings, index, warnings);
  const pipeline = resolvePipelineClients(settings, index, ownClientId);
  problems.push(...pipeline.problems);
  warnings.push(...pipeline.warnings);
  const ownership: Ownership = {
    manage,
    excludedClientIds,
    ...(pipeline.ids.length > 0 ? { pipelineClientIds: [...pipeline.ids].sort() } : {}),
    ...(ownClientId ? { ownClientId } : {}),
  };
  return { ownership, problems, warnings };
}

/** `manage.audiences` may name the Management API by its alias; an unknown audience is worth a warning. */
function resolveManage(settings: Settings, index: TenantIndex, warnings: Problem[]): Ownership['manage'] {
  if (settings.manage === 'all') return 'all';
  const managementApi = index.managementApi?.identifier;
  const audiences = settings.manage.audiences.map((a) => (a === MANAGEMENT_API_ALIAS && managementApi ? managementApi : a));
  audiences.forEach((audience, i) => {
    if (index.apis.has(audience)) return;
    warnings.push({
      severity: 'warning',
      location: settings.locations[`manage.audiences.${i}`],
      message: `manage.audiences lists ${quoted(audience)}, which is not an API of this tenant`,
      hint: 'Check the identifier in the Dashboard (APIs → Settings → Identifier).',
    });
  });
  return { audiences };
}

/** Exclusions name clients by name or id; every client they match is excluded. */
function resolveExclusions(settings: Settings, index: TenantIndex, warnings: Problem[]): string[] {
  const excluded = new Set<string>();
  settings.exclude.clients.forEach((entry, i) => {
    const matches = clientsNamed(index, entry);
    if (matches.length === 0) {
      warnings.push({
      severity: 'warning',
        location: settings.locations[`exclude.clients.${i}`],
        message: `exclude.clients names ${quoted(entry)}, which matches no client in the tenant`,
        ...suggestOr(nearest(entry, index.clients.map((c) => c.name)), 'Remove it if the client is gone.'),
      });
    }
    for (const client of matches) excluded.add(client.client_id);
  });
  return [...excluded].sort();
}

/**
 * `pipeline_clients:` by name or id → client ids. Every entry must name exactly one client, and the
 * client grantsync runs as must be one of them: a plan made by one pipeline application and an
 * apply made by the other then own exactly the same grants.
 */
function resolvePipelineClients(
  settings: Settings,
  index: TenantIndex,
  ownClientId: string | undefined,
): { ids: string[]; problems: Problem[]; warnings: Problem[] } {
  const ids: string[] = [];
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  settings.pipelineClients.forEach((entry, i) => {
    const location = settings.locations[`pipeline_clients.${i}`];
    const matches = clientsNamed(index, entry);
    if (matches.length === 1) {
      ids.push(matches[0]!.client_id);
    } else if (matches.length === 0) {
      problems.push({
        location,
        message: `pipeline_clients names ${quoted(entry)}, which matches no client in the tenant`,
        ...suggestOr(nearest(entry, index.clients.map((c) => c.name)), 'Name the applications the pipeline runs as, by name or client_id.'),
      });
    } else {
      problems.push({
        location,
        message: `pipeline_clients names ${quoted(entry)}, and ${matches.length} clients have that name: ${matches.map((c) => c.client_id).join(', ')}`,
        hint: 'Use the client_id of the pipeline application instead of its name.',
      });
    }
  });
  if (settings.pipelineClients.length === 0 || problems.length > 0) return { ids, problems, warnings };
  if (ownClientId === undefined) {
    warnings.push({
      severity: 'warning',
      location: settings.locations.pipeline_clients,
      message: 'grantsync cannot tell which client it runs as (an opaque access token), so it cannot check that it is one of pipeline_clients',
      hint: 'Use client credentials (AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET), or an access token that is a JWT with an azp claim.',
    });
  } else if (!ids.includes(ownClientId)) {
    const own = index.byId.get(ownClientId);
    problems.push({
      location: settings.locations.pipeline_clients,
      message: `grantsync runs as ${own ? describeClient(own) : ownClientId}, which pipeline_clients does not list`,
      hint: 'Run with the credentials of a listed pipeline application, or add this one to pipeline_clients in a reviewed change.',
    });
  }
  return { ids, problems, warnings };
}
