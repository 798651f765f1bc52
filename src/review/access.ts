// What a plan means for access, not for objects: who can do what after the apply, who can now
// write to an API, when removed access really ends, and the risk classes a reviewer looks at first.
// Computed from the plan's changes and the grants already read: no request of its own. Pure.
import { compareStrings, removedScopes } from '../model/grant.js';
import { DEFAULT_TOKEN_LIFETIME, RISK_CLASSES, type AccessReview, type ApiAccess, type ApiWriters, type ClientAccess, type Revocation, type Risk, type ScopeStatus } from '../model/review.js';
import type { Change, LiveGrant, ResourceServerSummary } from '../model/types.js';

export { RISK_CLASSES, type AccessReview, type RiskClass } from '../model/review.js';

export interface ReviewInput {
  changes: readonly Change[];
  /** Every grant read from the tenant, managed or not. */
  live: readonly LiveGrant[];
  clientNames: ReadonlyMap<string, string>;
  resourceServers: readonly ResourceServerSummary[];
  /** Per API identifier, scopes that `grantsync.yaml` marks as sensitive. */
  sensitiveScopes?: Readonly<Record<string, readonly string[]>>;
  /** `touched` (a plan review): only the clients and APIs the changes touch; `all` (an audit): every one. */
  scope?: 'touched' | 'all';
}

export function reviewAccess(input: ReviewInput): AccessReview {
  const before = grantsByKey(input.live);
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

interface Held {
  client_id: string;
  audience: string;
  subject_type: string;
  all: boolean;
  scopes: ReadonlySet<string>;
}

const keyOf = (g: { client_id: string; audience: string; subject_type: string }): string => `${g.client_id}\u0000${g.audience}\u0000${g.subject_type}`;

function grantsByKey(live: readonly LiveGrant[]): Map<string, Held> {
  const map = new Map<string, Held>();
  for (const grant of live) {
    if (grant.client_id === undefined) continue;
    const held = { client_id: grant.client_id, audience: grant.audience, subject_type: grant.subject_type ?? 'client', all: grant.allow_all_scopes === true, scopes: new Set(grant.scope ?? []) };
    map.set(keyOf(held), held);
  }
  return map;
}

function applyChanges(before: ReadonlyMap<string, Held>, changes: readonly Change[]): Map<string, Held> {
  const after = new Map(before);
  for (const change of changes) {
    if (change.action === 'replace' && change.replaces_subject_type) after.delete(keyOf({ ...change, subject_type: change.replaces_subject_type }));
    if (change.after === null) after.delete(keyOf(change));
    else after.set(keyOf(change), { ...change, all: change.after.allow_all_scopes === true, scopes: new Set(change.after.scope) });
  }
  return after;
}

function risksOf(input: ReviewInput): Risk[] {
  const risks: Risk[] = [];
  for (const change of input.changes) {
    if (change.after === null) continue;
    const base = { client_id: change.client_id, client_name: change.client_name ?? input.clientNames.get(change.client_id) ?? null, audience: change.audience };
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
  return touched
    .map((clientId) => {
      const keys = new Set([...before.values(), ...after.values()].filter((g) => g.client_id === clientId).map(keyOf));
      const apis = [...keys]
        .map((key) => accessOf(before.get(key), after.get(key)))
        .sort((a, b) => compareStrings(a.audience, b.audience) || compareStrings(a.subject_type, b.subject_type));
      return { client_id: clientId, client_name: input.clientNames.get(clientId) ?? null, apis };
    })
    .sort((a, b) => compareStrings(a.client_name ?? a.client_id, b.client_name ?? b.client_id));
}

function accessOf(had: Held | undefined, has: Held | undefined): ApiAccess {
  const grant = (has ?? had)!;
  const status: ScopeStatus = !had ? 'added' : !has ? 'removed' : 'kept';
  const names = [...new Set([...(had?.scopes ?? []), ...(has?.scopes ?? [])])].sort(compareStrings);
  const scopes = names.map((scope) => {
    const before = had?.scopes.has(scope) ?? false;
    const now = has?.scopes.has(scope) ?? false;
    return { scope, status: (before && now ? 'kept' : now ? 'added' : 'removed') as ScopeStatus };
  });
  return { audience: grant.audience, subject_type: grant.subject_type, status, all_scopes: has?.all ?? false, scopes };
}

function apiWriters(input: ReviewInput, before: ReadonlyMap<string, Held>, after: ReadonlyMap<string, Held>): ApiWriters[] {
  const audiences = [...new Set(input.scope === 'all' ? [...after.values()].map((g) => g.audience) : input.changes.map((c) => c.audience))].sort(compareStrings);
  const defined = new Map(input.resourceServers.map((rs) => [rs.identifier, rs.scopes]));
  return audiences.map((audience) => {
    const sensitive = input.sensitiveScopes?.[audience] ?? [];
    const holdersOf = new Map<string, { client_id: string; client_name: string | null; new: boolean }[]>();
    for (const grant of after.values()) {
      if (grant.audience !== audience) continue;
      const held = grant.all ? (defined.get(audience) ?? []) : [...grant.scopes];
      const had = before.get(keyOf(grant));
      for (const scope of held.filter((s) => isWriteLike(s, sensitive))) {
        const list = holdersOf.get(scope) ?? [];
        list.push({ client_id: grant.client_id, client_name: input.clientNames.get(grant.client_id) ?? null, new: !had || !(had.all || had.scopes.has(scope)) });
        holdersOf.set(scope, list);
      }
    }
    const scopes = [...holdersOf]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([scope, holders]) => ({ scope, holders: holders.sort((a, b) => compareStrings(a.client_name ?? a.client_id, b.client_name ?? b.client_id)) }));
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
    if (!grantRemoved && scopes.length === 0 && !lostAll) continue;
    revocations.push({
      client_id: change.client_id,
      client_name: change.client_name ?? input.clientNames.get(change.client_id) ?? null,
      audience: change.audience,
      scopes,
      grant_removed: grantRemoved,
      token_lifetime: lifetimes.get(change.audience) ?? DEFAULT_TOKEN_LIFETIME,
    });
  }
  return revocations;
}
