// The composition of the core: directory → desired state → plan, and plan → applied → verified.
// No rendering, no process, no exit codes: the CLI and the programmatic API both use it.
import type { ManagementApi } from './api/port.js';
import { applyChanges, type Outcome } from './apply/apply.js';
import type { Breaker } from './apply/breaker.js';
import { chooseVerifyReads, type VerifyReads } from './apply/verify-reads.js';
import { parseDesiredState, type DesiredState } from './config/load.js';
import { readGrantsDirectory, type ReadOptions } from './config/read.js';
import { Validator } from './config/validate.js';
import { diffGrants, type DiffResult } from './diff/diff.js';
import { IncrementalDiff } from './diff/incremental.js';
import { unknownFieldWarnings } from './diff/ownership.js';
import { MANAGEMENT_API_ALIAS } from './model/grant.js';
import { InputError, RefusedError } from './errors.js';
import type { Budget, Change, DesiredGrant, LiveGrant, OrganizationSummary, Ownership, Plan, Problem, Refusal, TenantSnapshot } from './model/types.js';
import { associationCandidates, attachAssociations } from './engine-organizations.js';
import { applyRefusals, describeRefusal } from './plan/refusals.js';
import { buildPlan } from './plan/plan.js';
import { reviewAccess } from './review/access.js';
import { lintDesired, lintGrants, type DesiredLint } from './lint/least-privilege.js';
import { tenantNameOf } from './model/tenant.js';
import { applyExpiry, expiryWarnings, labelExpired, utcDay } from './resolve/expiry.js';
import { resolutionStands, resolveDesiredState, type Resolution } from './resolve/resolve.js';

/**
 * Reads and validates a grants directory; throws InputError with every problem found. Files and
 * includes must resolve inside the repository unless `read.allowOutside`.
 */
export async function loadDirectory(dir: string, env: Record<string, string | undefined> = {}, read: ReadOptions = {}): Promise<DesiredState> {
  const directory = await readGrantsDirectory(dir, read);
  const result = parseDesiredState(directory, new Validator(), env);
  if (!result.ok) throw new InputError(result.problems);
  return result.state;
}

export { checkTenant } from './config/tenant-check.js';

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

export interface PlanOptions {
  tenantName: string;
  ownClientId?: string;
  budget?: Budget;
  today?: string;
  /** Made by resolveBeforeGrants while the grants were still being read; used when it still stands. */
  early?: EarlyResolution;
}

/** A resolution of `state` from the tenant's clients and APIs alone, and what it was made with. */
export interface EarlyResolution {
  state: DesiredState;
  /** The lists it was made from: used only for a tenant that holds these same lists. */
  clients: TenantSnapshot['clients'];
  resourceServers: TenantSnapshot['resourceServers'];
  /** The day whose expiries it applied, and what they gave. */
  day: string;
  expiry: ReturnType<typeof applyExpiry>;
  ownClientId: string | undefined;
  resolution: Resolution;
  /** The diff of the resolved grants, fed each page of grants as it is read (IncrementalDiff.add). */
  differ?: IncrementalDiff;
  /** The least-privilege checks' findings that need only the resolved grants, clients and APIs. */
  lint?: DesiredLint;
}

/**
 * Resolves the declared grants (names to ids, scopes, ownership) as soon as the clients and APIs are
 * read, while the grants are still being listed: planFromState then uses it unless the grants or
 * organizations change the outcome (resolutionStands), and the work after the last page shrinks.
 */
export function resolveBeforeGrants(state: DesiredState, partial: Pick<TenantSnapshot, 'clients' | 'resourceServers'>, opts: { ownClientId?: string; today?: string }): EarlyResolution {
  const day = opts.today ?? utcDay(new Date());
  const expiry = applyExpiry(state.grants, day);
  const tenant: TenantSnapshot = { clients: partial.clients, resourceServers: partial.resourceServers, grants: [] };
  const resolution = resolveDesiredState({ settings: state.settings, declared: expiry.grants, tenant, ownClientId: opts.ownClientId });
  if (resolution.problems.length > 0) return { state, clients: partial.clients, resourceServers: partial.resourceServers, day, ownClientId: opts.ownClientId, expiry, resolution };
  const differ = new IncrementalDiff(resolution.desired, resolution.ownership);
  const lint = lintDesired({ desired: resolution.desired, clients: partial.clients, resourceServers: partial.resourceServers });
  return { state, clients: partial.clients, resourceServers: partial.resourceServers, day, ownClientId: opts.ownClientId, expiry, resolution, differ, lint };
}

/**
 * The plan, with what apply will refuse (`plan.refusals`) under `opts.budget` (default: max_deletes of
 * the settings), so that the plan tells the truth about the apply.
 */
/**
 * `opts.today` (YYYY-MM-DD, UTC) decides which `expires:` entries have passed; the CLI passes it in,
 * and a library caller that leaves it out gets the system clock's day.
 */
export function planFromState(state: DesiredState, tenant: TenantSnapshot, opts: PlanOptions): PlanResult {
  const day = opts.today ?? utcDay(new Date());
  const early = opts.early;
  const usable =
    early &&
    early.state === state &&
    early.clients === tenant.clients &&
    early.resourceServers === tenant.resourceServers &&
    early.day === day &&
    early.ownClientId === opts.ownClientId &&
    resolutionStands(early.resolution, tenant)
      ? early
      : undefined;
  // The same state and day give the same expiries: the head start's are not worked out again.
  const expiry = usable?.expiry ?? applyExpiry(state.grants, day);
  const resolution = usable?.resolution ?? resolveDesiredState({ settings: state.settings, declared: expiry.grants, tenant, ownClientId: opts.ownClientId });
  if (resolution.problems.length > 0) throw new InputError(resolution.problems);
  // The head start's diff, worked out as the pages came in, is diffGrants' own whatever it was fed.
  const differ = usable?.differ?.isFor(resolution.desired, resolution.ownership) ? usable.differ : undefined;
  const diff = differ ? differ.result(tenant.grants) : diffGrants(resolution.desired, tenant.grants, resolution.ownership);
  const clientNames = new Map(tenant.clients.map((c) => [c.client_id, c.name]));
  const organizationNames = new Map((tenant.organizations ?? []).map((o) => [o.id, o.name]));
  const planned = buildPlan({
    tenant: opts.tenantName,
    tenantName: tenantNameOf(tenant),
    diff,
    clientNames,
    systemAudiences: systemAudiences(tenant),
    organizationNames,
  });
  const built = { ...planned, changes: labelExpired(planned.changes, expiry.expired, tenant) };
  const budget = opts.budget ?? { maxDeletes: state.settings.maxDeletes, source: 'settings' };
  const refusals = applyRefusals(built.changes, {
    budget,
    ownClientKnown: resolution.ownership.ownClientId !== undefined,
    systemAudiences: systemAudiences(tenant),
    ownership: resolution.ownership,
  });
  const review = reviewAccess({
    changes: built.changes,
    live: tenant.grants,
    clientNames,
    organizationNames,
    resourceServers: tenant.resourceServers,
    sensitiveScopes: sensitiveByIdentifier(state.settings.sensitiveScopes, tenant),
  });
  const lint = lintGrants({
    desired: resolution.desired,
    changes: built.changes,
    live: tenant.grants,
    clients: tenant.clients,
    resourceServers: tenant.resourceServers,
    ownership: resolution.ownership,
    ...(usable?.lint ? { early: usable.lint } : {}),
  });
  const plan: Plan = { ...built, budget, refusals, review, lint, varsFromEnvironment: [...(state.settings.varsFromEnvironment ?? [])], expiring: expiry.expiring };
  // The diff counted the grants with a field grantsync does not know: only then is there one to name.
  const unknown = diff.unmanagedByReason['unknown-field'] ? unknownFieldWarnings(tenant.grants) : [];
  const warnings = [...resolution.warnings, ...unknown, ...expiryWarnings(expiry)];
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

export { countRemovals } from './plan/refusals.js';

/**
 * The rails an apply must pass before its first write. Throws RefusedError with the reason. The same
 * pure function (src/plan/refusals.ts) fills a plan's `refusals`, so the plan says what apply will do.
 */
export function checkGuards(changes: readonly Change[], guards: Guards): void {
  refuseIfAny(applyRefusals(changes, { budget: { maxDeletes: guards.maxDeletes, source: 'settings' }, ownClientKnown: guards.ownClientKnown, systemAudiences: guards.systemAudiences }));
}

/** Throws the first refusal (the one apply checks first), as apply says it. */
export function refuseIfAny(refusals: readonly Refusal[]): void {
  const first = refusals[0];
  if (first) throw new RefusedError(describeRefusal(first));
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
    /** Stops the apply when continuing cannot help; when it opened, the tenant is not re-read. */
    breaker?: Breaker;
  },
): Promise<ApplyRunResult> {
  const outcomes = await applyChanges(changes, api, { live: context.live, signal: context.signal, concurrency: context.concurrency, onOutcome: context.onOutcome, breaker: context.breaker });
  const reads = chooseVerifyReads({
    snapshot: context.snapshot ?? context.live,
    changes,
    desired: context.desired,
    managed: context.live,
    profile: api.readProfile(),
  });
  // Re-reading an API that cannot be reached (or that refuses us) would only fail slowly.
  if (context.breaker?.open) return { outcomes, remaining: undefined, reads, verifyError: new Error(`not re-read: ${context.breaker.reason}`) };
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
