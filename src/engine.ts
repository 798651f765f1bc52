// The composition of the core: directory → desired state → plan, and plan → applied → verified.
// No rendering, no process, no exit codes: the CLI and the programmatic API both use it.
import type { ManagementApi } from './api/port.js';
import type { Endpoint } from './api/domain.js';
import { applyChanges, type Outcome } from './apply/apply.js';
import { chooseVerifyReads, type VerifyReads } from './apply/verify-reads.js';
import { parseDesiredState, type DesiredState } from './config/load.js';
import { readGrantsDirectory, type ReadOptions } from './config/read.js';
import { loadSchemas } from './config/schemas.js';
import { Validator } from './config/validate.js';
import { diffGrants, type DiffResult } from './diff/diff.js';
import { unknownFieldWarnings } from './diff/ownership.js';
import { MANAGEMENT_API_ALIAS, organizationDelta, removedScopes } from './model/grant.js';
import { InputError, RefusedError } from './errors.js';
import type { Change, DesiredGrant, LiveGrant, OrganizationSummary, Ownership, Plan, Problem, TenantSnapshot } from './model/types.js';
import { associationCandidates, attachAssociations } from './engine-organizations.js';
import { buildPlan } from './plan/plan.js';
import { reviewAccess } from './review/access.js';
import { tenantNameOf } from './model/tenant.js';
import { resolveDesiredState } from './resolve/resolve.js';

/**
 * Reads and validates a grants directory; throws InputError with every problem found. Files and
 * includes must resolve inside the repository unless `read.allowOutside`.
 */
export async function loadDirectory(dir: string, env: Record<string, string | undefined> = {}, read: ReadOptions = {}): Promise<DesiredState> {
  const directory = await readGrantsDirectory(dir, read);
  const result = parseDesiredState(directory, new Validator(loadSchemas()), env);
  if (!result.ok) throw new InputError(result.problems);
  return result.state;
}

/** `tenant:` in grantsync.yaml must name the host we are about to call, before anything is read. */
export function checkTenant(state: DesiredState, endpoint: Endpoint): void {
  const tenant = state.settings.tenant;
  if (tenant !== undefined && tenant.toLowerCase() !== endpoint.host.toLowerCase()) {
    throw new InputError([
      {
        location: state.settings.locations.tenant,
        message: `this directory describes tenant ${tenant}, but AUTH0_DOMAIN points at ${endpoint.host}`,
        hint: 'Point AUTH0_DOMAIN at the right tenant, or use the grants directory written for this one.',
      },
    ]);
  }
}

export async function readTenant(api: ManagementApi): Promise<TenantSnapshot> {
  const [clients, resourceServers, grants] = await Promise.all([api.listClients(), api.listResourceServers(), api.listGrants()]);
  return { clients, resourceServers, grants };
}

export interface PlanResult {
  plan: Plan;
  desired: DesiredGrant[];
  ownership: Ownership;
  diff: DiffResult;
  warnings: Problem[];
}

export function planFromState(state: DesiredState, tenant: TenantSnapshot, opts: { tenantName: string; ownClientId?: string }): PlanResult {
  const resolution = resolveDesiredState({ settings: state.settings, declared: state.grants, tenant, ownClientId: opts.ownClientId });
  if (resolution.problems.length > 0) throw new InputError(resolution.problems);
  const diff = diffGrants(resolution.desired, tenant.grants, resolution.ownership);
  const clientNames = new Map(tenant.clients.map((c) => [c.client_id, c.name]));
  const plan = buildPlan({
    tenant: opts.tenantName,
    tenantName: tenantNameOf(tenant),
    diff,
    clientNames,
    systemAudiences: systemAudiences(tenant),
    organizationNames: new Map((tenant.organizations ?? []).map((o) => [o.id, o.name])),
  });
  plan.review = reviewAccess({
    changes: plan.changes,
    live: tenant.grants,
    clientNames,
    resourceServers: tenant.resourceServers,
    sensitiveScopes: sensitiveByIdentifier(state.settings.sensitiveScopes, tenant),
  });
  const warnings = [...resolution.warnings, ...unknownFieldWarnings(tenant.grants)];
  return { plan, desired: resolution.desired, ownership: resolution.ownership, diff, warnings };
}

/** `sensitive_scopes` may name the Management API by its alias, as grant files do. */
function sensitiveByIdentifier(sensitive: Record<string, string[]>, tenant: TenantSnapshot): Record<string, string[]> {
  const managementApi = tenant.resourceServers.find((rs) => rs.is_system)?.identifier;
  return Object.fromEntries(Object.entries(sensitive).map(([api, scopes]) => [api === MANAGEMENT_API_ALIAS && managementApi ? managementApi : api, scopes]));
}

export function systemAudiences(tenant: TenantSnapshot): Set<string> {
  return new Set(tenant.resourceServers.filter((rs) => rs.is_system).map((rs) => rs.identifier));
}

export interface Guards {
  maxDeletes: number;
  ownClientKnown: boolean;
  systemAudiences: ReadonlySet<string>;
}

/**
 * Access a plan takes away: deletes, replaces (a delete first), updates that leave a grant with no
 * scopes at all (the client keeps a grant and loses all of its access), and associations removed from
 * grants that stay (a deleted grant's go with it). The deletion budget counts them all.
 */
export function countRemovals(changes: readonly Change[]): { deletes: number; emptied: number; dissociations: number } {
  let deletes = 0;
  let emptied = 0;
  let dissociations = 0;
  for (const change of changes) {
    if (change.action === 'delete' || change.action === 'replace') deletes++;
    else if (change.action === 'update') {
      if (emptiesGrant(change)) emptied++;
      dissociations += organizationDelta(change.before, change.after).removed.length;
    }
  }
  return { deletes, emptied, dissociations };
}

function describeRemovals(deletes: number, emptied: number, dissociations: number): string {
  const parts = [`deletes ${deletes} grant${deletes === 1 ? '' : 's'}`];
  if (emptied > 0) parts.push(`empties the scopes of ${emptied} more`);
  if (dissociations > 0) parts.push(`removes ${dissociations} organization association${dissociations === 1 ? '' : 's'}`);
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]} (${deletes + emptied + dissociations} removals)`;
}

function emptiesGrant(change: Change): boolean {
  const before = change.before;
  const after = change.after;
  if (!before || !after || after.allow_all_scopes || after.scope.length > 0) return false;
  return before.scope.length > 0 || before.allow_all_scopes === true;
}

/** The rails an apply must pass before its first write. Throws RefusedError with the reason. */
export function checkGuards(changes: readonly Change[], guards: Guards): void {
  const { deletes, emptied, dissociations } = countRemovals(changes);
  const removals = deletes + emptied + dissociations;
  if (removals > guards.maxDeletes) {
    const what = emptied === 0 && dissociations === 0 ? `deletes ${deletes} grants` : describeRemovals(deletes, emptied, dissociations);
    throw new RefusedError(
      `the plan ${what}, more than max_deletes (${guards.maxDeletes}); nothing was changed. ` +
        'Check the plan; if it is right, run apply again with --max-deletes ' + removals + '.',
    );
  }
  if (!guards.ownClientKnown) {
    const risky = changes.filter(
      (c) =>
        guards.systemAudiences.has(c.audience) &&
        (c.action === 'delete' || c.action === 'replace' || removedScopes(c.before, c.after).length > 0),
    );
    if (risky.length > 0) {
      throw new RefusedError(
        `the plan deletes or shrinks ${risky.length} Management API grant(s), and grantsync cannot tell which client it runs as, ` +
          'so it could lock itself out; nothing was changed. AUTH0_ACCESS_TOKEN does not say which client it belongs to: ' +
          'log in with client credentials instead (AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET, without AUTH0_ACCESS_TOKEN), ' +
          'or use a token that is a JWT whose azp claim names the client.',
      );
    }
  }
}

export interface ApplyRunResult {
  outcomes: Outcome[];
  /** Changes that remain after re-reading the tenant; empty when converged, undefined when the re-read failed. */
  remaining: Change[] | undefined;
  /** How the tenant was re-read. */
  reads: VerifyReads;
  verifyError?: Error;
}

/** Applies changes, then re-reads the tenant and diffs again: converged only if nothing remains. */
export async function applyAndVerify(
  api: ManagementApi,
  changes: readonly Change[],
  context: {
    /** The managed grants the plan was made from. */
    live: readonly LiveGrant[];
    /** Every grant read before the apply (sizes the verifying re-read); defaults to `live`. */
    snapshot?: readonly LiveGrant[];
    desired: readonly DesiredGrant[];
    ownership: Ownership;
    signal?: AbortSignal;
    concurrency?: number;
    onOutcome?: Parameters<typeof applyChanges>[2]['onOutcome'];
    /** Told how the tenant will be re-read, before the re-read starts. */
    onVerify?: (reads: VerifyReads) => void;
    /** The tenant's organizations, when the plan read them (the re-read then reads associations the cheaper way). */
    organizations?: readonly OrganizationSummary[];
  },
): Promise<ApplyRunResult> {
  const outcomes = await applyChanges(changes, api, { live: context.live, signal: context.signal, concurrency: context.concurrency, onOutcome: context.onOutcome });
  const reads = chooseVerifyReads({
    snapshot: context.snapshot ?? context.live,
    changes,
    desired: context.desired,
    managed: context.live,
    profile: api.readProfile(),
  });
  context.onVerify?.(reads);
  try {
    const reread = await reReadGrants(api, reads);
    const after = (await attachAssociations(api, reread, associationCandidates(reread, context.ownership), context.organizations)).grants;
    return { outcomes, remaining: diffGrants(context.desired, after, context.ownership).changes, reads };
  } catch (error) {
    // The writes are done; a failed re-read must not hide what they did.
    return { outcomes, remaining: undefined, reads, verifyError: error instanceof Error ? error : new Error(String(error)) };
  }
}

/**
 * The grants that can hold a difference after the apply. Per audience, the listings cover every
 * audience that has a desired or a managed grant, so nothing managed is left unread.
 */
async function reReadGrants(api: ManagementApi, reads: VerifyReads): Promise<LiveGrant[]> {
  if (reads.by === 'all') return api.listGrants();
  const lists = await Promise.all(reads.audiences.map((audience) => api.listGrants({ audience })));
  return lists.flat();
}
