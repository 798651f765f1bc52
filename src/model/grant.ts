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
  let ordered = true;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,UpdateOperator,ArithmeticOperator: a wrong "not ordered" only takes the slow path, to the same result
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

export function liveKey(grant: LiveGrant): GrantKey | undefined {
  if (grant.client_id === undefined) return undefined;
  return { client_id: grant.client_id, audience: grant.audience, subject_type: grant.subject_type ?? 'client' };
}

/** Defaults are omitted so that "unset" and "set to the default" compare equal. */
export function normalizeState(input: {
  scope?: readonly string[];
  organization_usage?: OrganizationUsage | null;
  allow_any_organization?: boolean | null;
  allow_all_scopes?: boolean | null;
}): GrantState {
  const state: GrantState = { scope: input.allow_all_scopes ? [] : sortedUnique(input.scope ?? []) };
  if (input.organization_usage && input.organization_usage !== 'deny') state.organization_usage = input.organization_usage;
  if (input.allow_any_organization) state.allow_any_organization = true;
  if (input.allow_all_scopes) state.allow_all_scopes = true;
  return state;
}

export function statesEqual(a: GrantState, b: GrantState): boolean {
  return (
    a.scope.length === b.scope.length &&
    a.scope.every((s, i) => s === b.scope[i]) &&
    (a.organization_usage ?? 'deny') === (b.organization_usage ?? 'deny') &&
    (a.allow_any_organization ?? false) === (b.allow_any_organization ?? false) &&
    (a.allow_all_scopes ?? false) === (b.allow_all_scopes ?? false)
  );
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
