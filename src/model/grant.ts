// The grant model: identity keys, normalised state, scope sets. Pure; shared by resolve, diff, plan, apply and export.
import type { GrantKey, GrantState, LiveGrant, OrganizationUsage } from './types.js';

/** `audience: auth0-management-api` means this tenant's Management API (the resource server with is_system). */
export const MANAGEMENT_API_ALIAS = 'auth0-management-api';

/** Plain code-unit order, the order Auth0 itself lists ids in; never locale-dependent. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedUnique(values: readonly string[]): string[] {
  // Most scope lists are already sorted and unique (ours are, and Auth0 keeps request order):
  // checking is cheaper than a Set and a sort, and planning 100,000 grants does this 200,000 times.
  // Stryker disable next-line BooleanLiteral: a wrong "not ordered" only takes the slow path, to the same result
  let ordered = true;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,UpdateOperator,ArithmeticOperator,LogicalOperator: a wrong "not ordered" only takes the slow path, to the same result
  for (let i = 1; i < values.length && ordered; i++) ordered = values[i - 1]! < values[i]!;
  return ordered ? values.slice() : [...new Set(values)].sort(compareStrings);
}

export function grantKeyString(key: GrantKey): string {
  return `${key.client_id}\u0000${key.audience}\u0000${key.subject_type}`;
}

/**
 * Values by grant identity without building a key string per lookup (on 100,000 grants the
 * concatenated keys and their hashing were most of the diff's time): subject_type → audience → client_id.
 */
export class GrantIndex<T> {
  private readonly bySubject = new Map<string, Map<string, Map<string, T>>>();

  set(key: GrantKey, value: T): void {
    let byAudience = this.bySubject.get(key.subject_type);
    if (!byAudience) this.bySubject.set(key.subject_type, (byAudience = new Map()));
    let byClient = byAudience.get(key.audience);
    if (!byClient) byAudience.set(key.audience, (byClient = new Map()));
    byClient.set(key.client_id, value);
  }

  get(key: GrantKey): T | undefined {
    return this.bySubject.get(key.subject_type)?.get(key.audience)?.get(key.client_id);
  }
}

export const DEFAULT_FOR_THIRD_PARTY = 'third_party_clients';

/** The identity of a live grant; undefined for one grantsync cannot name (see unknownField). */
export function liveKey(grant: LiveGrant): GrantKey | undefined {
  if (grant.default_for !== undefined) {
    if (grant.default_for !== DEFAULT_FOR_THIRD_PARTY || grant.client_id !== undefined) return undefined;
    return { client_id: '', audience: grant.audience, subject_type: 'client', default_for: DEFAULT_FOR_THIRD_PARTY };
  }
  if (grant.client_id === undefined) return undefined;
  return { client_id: grant.client_id, audience: grant.audience, subject_type: grant.subject_type ?? 'client' };
}

/** Every key a client grant may have (and `organizations`, which grantsync fills in itself). */
const KNOWN_KEYS: ReadonlySet<string> = new Set([
  'id', 'client_id', 'audience', 'scope', 'organization_usage', 'allow_any_organization', 'is_system',
  'subject_type', 'authorization_details_types', 'allow_all_scopes', 'default_for', 'organizations',
]);
const KNOWN_VALUES: Record<string, ReadonlySet<unknown>> = {
  subject_type: new Set(['client', 'user']),
  organization_usage: new Set(['deny', 'allow', 'require']),
  default_for: new Set([DEFAULT_FOR_THIRD_PARTY]),
  allow_any_organization: new Set([true, false]),
  allow_all_scopes: new Set([true, false]),
  is_system: new Set([true, false]),
};

/**
 * The first field of a live grant that grantsync does not know (a new key, or a new value such as
 * subject_type `anonymous_user`), as a short description; undefined when it knows them all. Such a
 * grant is never changed or deleted: unknown must never mean destroy.
 */
export function unknownField(grant: LiveGrant): string | undefined {
  const raw = grant as unknown as Record<string, unknown>;
  const keys = Object.keys(raw);
  // Every live grant is checked, twice in a plan (10,000 grants: ~30 ms after the last answer with a
  // sort each time), and nearly all are fully known: the keys are sorted only when one is not, so that
  // the field named is always the first in key order.
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a wrong "something unknown" only takes the sorted path, to the same result
  if (keys.some((key) => !KNOWN_KEYS.has(key) || KNOWN_VALUES[key]?.has(raw[key]) === false)) {
    for (const key of keys.sort(compareStrings)) {
      if (!KNOWN_KEYS.has(key)) return `key ${JSON.stringify(key)}`;
      const known = KNOWN_VALUES[key];
      if (known && !known.has(raw[key])) return `${key} ${JSON.stringify(raw[key])}`;
    }
  }
  if (!isStringList(raw.scope)) return 'scope that is not a list of strings';
  if (!isStringList(raw.authorization_details_types)) return 'authorization_details_types that is not a list of strings';
  // default_for has a known value here (checked above), so without a key a grant has neither field or both.
  if (liveKey(grant) === undefined) return grant.client_id === undefined ? 'no client_id' : 'both client_id and default_for';
  return undefined;
}

/** Absent, or a list of strings. */
function isStringList(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
}

/** Defaults are omitted so that "unset" and "set to the default" compare equal. */
export function normalizeState(input: {
  scope?: readonly string[];
  organization_usage?: OrganizationUsage | null;
  allow_any_organization?: boolean | null;
  allow_all_scopes?: boolean | null;
  authorization_details_types?: readonly string[] | null;
  organizations?: readonly string[] | null;
}): GrantState {
  const state: GrantState = { scope: input.allow_all_scopes ? [] : sortedUnique(input.scope ?? []) };
  if (input.organization_usage && input.organization_usage !== 'deny') state.organization_usage = input.organization_usage;
  if (input.allow_any_organization) state.allow_any_organization = true;
  if (input.allow_all_scopes) state.allow_all_scopes = true;
  if (input.authorization_details_types && input.authorization_details_types.length > 0) {
    state.authorization_details_types = sortedUnique(input.authorization_details_types);
  }
  if (input.organizations && input.organizations.length > 0) state.organizations = sortedUnique(input.organizations);
  return state;
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((s, i) => s === y[i]);
}

export function statesEqual(a: GrantState, b: GrantState): boolean {
  return (
    sameList(a.scope, b.scope) &&
    (a.organization_usage ?? 'deny') === (b.organization_usage ?? 'deny') &&
    (a.allow_any_organization ?? false) === (b.allow_any_organization ?? false) &&
    (a.allow_all_scopes ?? false) === (b.allow_all_scopes ?? false) &&
    sameList(a.authorization_details_types, b.authorization_details_types) &&
    sameList(a.organizations, b.organizations)
  );
}

/** Associations that `after` adds and removes relative to `before` (ids, sorted). */
export function organizationDelta(before: GrantState | null, after: GrantState | null): { added: string[]; removed: string[] } {
  const had = new Set(before?.organizations);
  const keeps = new Set(after?.organizations);
  return {
    added: (after?.organizations ?? []).filter((id) => !had.has(id)),
    removed: (before?.organizations ?? []).filter((id) => !keeps.has(id)),
  };
}

/** Scopes in `after` that `before` did not have. A grant with every scope gains nothing. */
export function addedScopes(before: GrantState | null, after: GrantState | null): string[] {
  if (!after || before?.allow_all_scopes) return [];
  const had = new Set(before?.scope);
  return after.scope.filter((s) => !had.has(s));
}

export function removedScopes(before: GrantState | null, after: GrantState | null): string[] {
  if (!before) return [];
  const keeps = new Set(after?.scope);
  return before.scope.filter((s) => !keeps.has(s));
}
