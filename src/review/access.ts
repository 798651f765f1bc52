// What a plan means for access, not for objects: who can do what after the apply, who can now
// write to an API, when removed access really ends, and the risk classes a reviewer looks at first.
// Computed from the plan's changes and the grants already read: no request of its own. Pure.
import { compareStrings, organizationDelta, removedScopes } from '../model/grant.js';
import {
  DEFAULT_TOKEN_LIFETIME,
  RISK_CLASSES,
  type AccessReview,
  type ApiAccess,
  type ApiWriters,
  type ClientAccess,
  type Holder,
  type Revocation,
  type Risk,
  type ScopeStatus,
} from '../model/review.js';
import type { Change, LiveGrant, OrganizationUsage, ResourceServerSummary } from '../model/types.js';

export { RISK_CLASSES, type AccessReview, type RiskClass } from '../model/review.js';

export interface ReviewInput {
  changes: readonly Change[];
  /** Every grant read from the tenant, managed or not. */
  live: readonly LiveGrant[];
  clientNames: ReadonlyMap<string, string>;
  /** Organization id → name, for grants associated with organizations. */
  organizationNames?: ReadonlyMap<string, string>;
  resourceServers: readonly ResourceServerSummary[];
  /** Per API identifier, scopes that `grantsync.yaml` marks as sensitive. */
  sensitiveScopes?: Readonly<Record<string, readonly string[]>>;
  /** `touched` (a plan review): only the clients and APIs the changes touch; `all` (an audit): every one. */
  scope?: 'touched' | 'all';
}

export function reviewAccess(input: ReviewInput): AccessReview {
  const before = grantsByKey(input.scope === 'all' ? input.live : touchedGrants(input.live, input.changes));
  const after = applyChanges(before, input.changes);
  const revocations = revocationsOf(input);
  return {
    risks: risksOf(input),
    clients: clientAccess(input, before, after),
    apis: apiWriters(input, before, after),
    revocations,
    fully_effective_after: revocations.length ? Math.max(...revocations.map((r) => r.token_lifetime)) : undefined,
  };
}

/** A scope that changes data: `create:`/`update:`/`delete:`/`write:`, or one the settings mark sensitive. */
export function isWriteLike(scope: string, sensitive: readonly string[] = []): boolean {
  return /^(create|update|delete|write):/.test(scope) || sensitive.includes(scope);
}

/** A grant as the review sees it: who (a client, or every third-party client), where, and what. */
interface Held {
  client_id: string;
  default_for?: string;
  audience: string;
  subject_type: string;
  all: boolean;
  scopes: ReadonlySet<string>;
  usage?: OrganizationUsage;
  anyOrganization: boolean;
  organizations: ReadonlySet<string>;
}

/** A default grant has no client: its key uses '' (real client ids are never empty), as the plan's does. */
const keyOf = (g: { client_id?: string; audience: string; subject_type?: string }): string => `${g.client_id ?? ''}\u0000${g.audience}\u0000${g.subject_type ?? 'client'}`;

/**
 * The grants a plan review can see: those of a client or on an API that a change touches (what
 * clientAccess and apiWriters look at). The others cannot change its answer, and a plan with nothing
 * to do, the one reviewers wait for most, then indexes none of 10,000 grants.
 */
function touchedGrants(live: readonly LiveGrant[], changes: readonly Change[]): LiveGrant[] {
  const clients = new Set(changes.map((c) => c.client_id));
  const audiences = new Set(changes.map((c) => c.audience));
  return live.filter((g) => clients.has(g.client_id ?? '') || audiences.has(g.audience));
}

function grantsByKey(live: readonly LiveGrant[]): Map<string, Held> {
  const map = new Map<string, Held>();
  for (const grant of live) {
    if (grant.client_id === undefined && grant.default_for === undefined) continue;
    const held: Held = {
      client_id: grant.client_id ?? '',
      ...(grant.default_for !== undefined ? { default_for: grant.default_for } : {}),
      audience: grant.audience,
      subject_type: grant.subject_type ?? 'client',
      all: grant.allow_all_scopes === true,
      scopes: new Set(grant.scope ?? []),
      usage: grant.organization_usage,
      anyOrganization: grant.allow_any_organization === true,
      organizations: new Set(grant.organizations ?? []),
    };
    map.set(keyOf(held), held);
  }
  return map;
}

function applyChanges(before: ReadonlyMap<string, Held>, changes: readonly Change[]): Map<string, Held> {
  const after = new Map(before);
  for (const change of changes) {
    if (change.action === 'replace' && change.replaces_subject_type) after.delete(keyOf({ ...change, subject_type: change.replaces_subject_type }));
    if (change.after === null) {
      after.delete(keyOf(change));
      continue;
    }
    after.set(keyOf(change), {
      client_id: change.client_id,
      ...(change.default_for !== undefined ? { default_for: change.default_for } : {}),
      audience: change.audience,
      subject_type: change.subject_type,
      all: change.after.allow_all_scopes === true,
      scopes: new Set(change.after.scope),
      usage: change.after.organization_usage,
      anyOrganization: change.after.allow_any_organization === true,
      organizations: new Set(change.after.organizations ?? []),
    });
  }
  return after;
}

/** Who holds a grant, for the review: a default grant is named by `default_for`, not by a client. */
function holderOf(grant: { client_id: string; default_for?: string; client_name?: string }, clientNames: ReadonlyMap<string, string>): Holder {
  if (grant.default_for !== undefined) return { client_id: grant.client_id, client_name: null, default_for: grant.default_for };
  return { client_id: grant.client_id, client_name: grant.client_name ?? clientNames.get(grant.client_id) ?? null };
}

function risksOf(input: ReviewInput): Risk[] {
  const risks: Risk[] = [];
  for (const change of input.changes) {
    if (change.after === null) continue;
    const base = { ...holderOf(change, input.clientNames), audience: change.audience };
    const before = change.action === 'replace' ? null : change.before;
    const added = change.after.scope.filter((s) => !before?.scope.includes(s));
    const flags = new Set<string>(change.flags);
    if (change.after.allow_all_scopes && !before?.allow_all_scopes) flags.add('wildcard');
    if (change.after.allow_any_organization && !before?.allow_any_organization) flags.add('any-organization');
    const sensitive = added.filter((s) => input.sensitiveScopes?.[change.audience]?.includes(s));
    if (sensitive.length > 0) flags.add('sensitive');
    for (const risk of RISK_CLASSES) {
      if (!flags.has(risk)) continue;
      risks.push({ ...base, class: risk, scopes: risk === 'sensitive' ? sensitive : risk === 'wildcard' || risk === 'fleet-wide' || risk === 'any-organization' ? [] : added });
    }
  }
  return risks.sort((a, b) => RISK_CLASSES.indexOf(a.class) - RISK_CLASSES.indexOf(b.class) || compareStrings(a.audience, b.audience) || compareStrings(a.client_name ?? a.client_id, b.client_name ?? b.client_id));
}

function clientAccess(input: ReviewInput, before: ReadonlyMap<string, Held>, after: ReadonlyMap<string, Held>): ClientAccess[] {
  const touched = input.scope === 'all' ? [...new Set([...after.values()].map((g) => g.client_id))] : [...new Set(input.changes.map((c) => c.client_id))];
  // Grouped in one pass (before, then after), not filtered once per client: an audit has thousands.
  const byClient = new Map<string, Held[]>();
  for (const g of [...before.values(), ...after.values()]) {
    const list = byClient.get(g.client_id);
    if (list) list.push(g);
    else byClient.set(g.client_id, [g]);
  }
  return touched
    .map((clientId) => {
      const grants = byClient.get(clientId) ?? [];
      const keys = new Set(grants.map(keyOf));
      const apis = [...keys]
        .map((key) => accessOf(before.get(key), after.get(key), input.organizationNames))
        .sort((a, b) => compareStrings(a.audience, b.audience) || compareStrings(a.subject_type, b.subject_type));
      return { ...holderOf(grants[0] ?? { client_id: clientId }, input.clientNames), apis };
    })
    .sort((a, b) => compareStrings(holderSortKey(a), holderSortKey(b)));
}

/** Clients by name; default grants (no client) first, since they reach every third-party client. */
const holderSortKey = (h: Holder): string => (h.default_for !== undefined ? '' : (h.client_name ?? h.client_id));

/** Whether each of two states is `kept`, `added` (only after) or `removed` (only before). */
function statusOf(before: boolean, now: boolean): ScopeStatus {
  return before && now ? 'kept' : now ? 'added' : 'removed';
}

function accessOf(had: Held | undefined, has: Held | undefined, organizationNames: ReadonlyMap<string, string> = new Map()): ApiAccess {
  const grant = (has ?? had)!;
  const status: ScopeStatus = statusOf(had !== undefined, has !== undefined);
  const names = [...new Set([...(had?.scopes ?? []), ...(has?.scopes ?? [])])].sort(compareStrings);
  const scopes = names.map((scope) => ({ scope, status: statusOf(had?.scopes.has(scope) ?? false, has?.scopes.has(scope) ?? false) }));
  const access: ApiAccess = { audience: grant.audience, subject_type: grant.subject_type, status, all_scopes: has?.all ?? false, scopes };
  const usage = has ? has.usage : had?.usage;
  if (usage === 'allow' || usage === 'require') {
    access.organization_usage = usage;
    if (has?.anyOrganization) access.any_organization = true;
    const ids = [...new Set([...(had?.organizations ?? []), ...(has?.organizations ?? [])])];
    access.organizations = ids
      .map((id) => ({ id, name: organizationNames.get(id) ?? id, status: statusOf(had?.organizations.has(id) ?? false, has?.organizations.has(id) ?? false) }))
      .sort((a, b) => compareStrings(a.name, b.name));
  }
  return access;
}

function apiWriters(input: ReviewInput, before: ReadonlyMap<string, Held>, after: ReadonlyMap<string, Held>): ApiWriters[] {
  const audiences = [...new Set(input.scope === 'all' ? [...after.values()].map((g) => g.audience) : input.changes.map((c) => c.audience))].sort(compareStrings);
  const defined = new Map(input.resourceServers.map((rs) => [rs.identifier, rs.scopes]));
  return audiences.map((audience) => {
    const sensitive = input.sensitiveScopes?.[audience] ?? [];
    const holdersOf = new Map<string, (Holder & { new: boolean })[]>();
    for (const grant of after.values()) {
      if (grant.audience !== audience) continue;
      const held = grant.all ? (defined.get(audience) ?? []) : [...grant.scopes];
      const had = before.get(keyOf(grant));
      for (const scope of held.filter((s) => isWriteLike(s, sensitive))) {
        const list = holdersOf.get(scope) ?? [];
        list.push({ ...holderOf(grant, input.clientNames), new: !had || !(had.all || had.scopes.has(scope)) });
        holdersOf.set(scope, list);
      }
    }
    const scopes = [...holdersOf]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([scope, holders]) => ({ scope, holders: holders.sort((a, b) => compareStrings(holderSortKey(a), holderSortKey(b))) }));
    return { audience, scopes };
  });
}

function revocationsOf(input: ReviewInput): Revocation[] {
  const lifetimes = new Map(input.resourceServers.map((rs) => [rs.identifier, rs.token_lifetime ?? DEFAULT_TOKEN_LIFETIME]));
  const revocations: Revocation[] = [];
  for (const change of input.changes) {
    const grantRemoved = change.action === 'delete' || change.action === 'replace';
    const scopes = grantRemoved ? [] : removedScopes(change.before, change.after);
    const lostAll = change.action === 'update' && change.before?.allow_all_scopes === true && !change.after?.allow_all_scopes;
    const dissociated = grantRemoved ? [] : organizationDelta(change.before, change.after).removed;
    if (!grantRemoved && scopes.length === 0 && !lostAll && dissociated.length === 0) continue;
    revocations.push({
      ...holderOf(change, input.clientNames),
      audience: change.audience,
      scopes,
      organizations: dissociated.map((id) => input.organizationNames?.get(id) ?? id).sort(compareStrings),
      ...(lostAll ? { every_scope: true as const } : {}),
      grant_removed: grantRemoved,
      token_lifetime: lifetimes.get(change.audience) ?? DEFAULT_TOKEN_LIFETIME,
    });
  }
  return revocations;
}
