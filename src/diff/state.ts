// Normalised grant state and identity keys. Pure.
import type { GrantKey, GrantState, LiveGrant, OrganizationUsage } from '../model/types.js';

/** Plain code-unit order, the order Auth0 itself lists ids in; never locale-dependent. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareStrings);
}

export function grantKeyString(key: GrantKey): string {
  return `${key.client_id}\u0000${key.audience}\u0000${key.subject_type}`;
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
  const had = new Set(before?.scope ?? []);
  return after.scope.filter((s) => !had.has(s));
}

export function removedScopes(before: GrantState | null, after: GrantState | null): string[] {
  if (!before) return [];
  const keeps = new Set(after?.scope ?? []);
  return before.scope.filter((s) => !keeps.has(s));
}
