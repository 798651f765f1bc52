// Changes → a Plan: names filled in, privilege flags, a stable order, totals and a fingerprint. Pure.
import { createHash } from 'node:crypto';
import type { Change, Flag, GrantState, LiveGrant, OrganizationLine, Plan } from '../model/types.js';
import type { DiffResult } from '../diff/diff.js';
import { addedScopes, compareStrings, liveKey, organizationDelta } from '../model/grant.js';
import { liveState } from '../diff/diff.js';
import { fingerprintRow } from '../diff/incremental.js';

/** Management API scopes that let a client give itself (or others) more access. */
export const ESCALATION_SCOPES: ReadonlySet<string> = new Set([
  'create:client_grants',
  'update:client_grants',
  'create:clients',
  'update:clients',
  'create:client_credentials',
  'update:client_credentials',
  'update:client_keys',
  'create:resource_servers',
  'update:resource_servers',
  'create:roles',
  'update:roles',
  'create:role_members',
  'update:users',
  'create:users',
  'update:users_app_metadata',
  'create:organization_client_grants',
  'create:connections',
  'update:connections',
  'update:tenant_settings',
  'create:actions',
  'update:actions',
  'update:triggers',
  'create:hooks',
  'update:hooks',
  'update:rules',
  'create:rules',
]);

export interface PlanInput {
  tenant: string;
  /** The tenant's own name (see Plan.tenantName). */
  tenantName?: string;
  diff: DiffResult;
  /** client_id → name, for deletes and display. */
  clientNames: ReadonlyMap<string, string>;
  /** Identifiers of resource servers with is_system: true (the Management API). */
  systemAudiences: ReadonlySet<string>;
  /** organization id → name, for the association lines. */
  organizationNames?: ReadonlyMap<string, string>;
}

export function buildPlan({ tenant, tenantName, diff, clientNames, systemAudiences, organizationNames = new Map() }: PlanInput): Plan {
  const changes = diff.changes.map((change): Change => {
    const named = { ...change, client_name: change.client_name ?? (change.default_for ? undefined : clientNames.get(change.client_id)) };
    const lines = organizationLines(named, organizationNames);
    return { ...named, flags: [...privilegeFlags(named, systemAudiences), ...reachFlags(named)], ...(lines.length > 0 ? { organization_lines: lines } : {}) };
  });
  changes.sort(compareChanges);
  const count = (action: Change['action']): number => changes.filter((c) => c.action === action).length;
  const unmanaged = Object.values(diff.unmanagedByReason).reduce((a, b) => a + (b ?? 0), 0);
  return {
    tenant,
    ...(tenantName !== undefined ? { tenantName } : {}),
    fingerprint: fingerprintGrants(diff.managed, diff.managedStates, diff.managedRows),
    digest: digestChanges(changes),
    summary: {
      create: count('create'),
      update: count('update'),
      delete: count('delete'),
      replace: count('replace'),
      unchanged: diff.unchanged,
      unmanaged,
    },
    changes,
    unmanagedByReason: diff.unmanagedByReason,
  };
}

/** Deletes and scope removals never carry flags; added Management API scopes always do. */
export function privilegeFlags(change: Change, systemAudiences: ReadonlySet<string>): Flag[] {
  // A delete adds no scope (its `after` is null), so it never reaches the flags.
  if (!systemAudiences.has(change.audience)) return [];
  const added = addedScopes(change.action === 'replace' ? null : change.before, change.after);
  if (added.length === 0) return [];
  const flags: Flag[] = ['privilege-increase'];
  if (added.some((s) => ESCALATION_SCOPES.has(s))) flags.push('self-escalation');
  return flags;
}

/** Changes that reach further than their scope list says: every scope (`wildcard`), every third-party client (`fleet-wide`). */
export function reachFlags(change: Change): Flag[] {
  if (change.action === 'delete') return [];
  const flags: Flag[] = [];
  // Past the delete, every change has an `after`; an update also has a `before`.
  const gainsAll = change.after!.allow_all_scopes === true && (change.action !== 'update' || change.before!.allow_all_scopes !== true);
  if (gainsAll) flags.push('wildcard');
  if (change.default_for) flags.push('fleet-wide');
  return flags;
}

/**
 * The associations a change adds and removes. A deleted grant loses its associations with it, and
 * a created one has none before: only what grantsync itself must add or remove is listed.
 */
export function organizationLines(change: Change, names: ReadonlyMap<string, string>): OrganizationLine[] {
  // Only an update keeps its grant; a delete has no `after`, so it lists nothing.
  const before = change.action === 'update' ? change.before : null;
  const { added, removed } = organizationDelta(before, change.after);
  const line = (sign: '+' | '-') => (id: string): OrganizationLine => ({ sign, id, name: names.get(id) ?? id });
  return [...removed.map(line('-')), ...added.map(line('+'))];
}

export function compareChanges(a: Change, b: Change): number {
  return (
    compareStrings(a.audience, b.audience) ||
    compareStrings(a.client_name ?? a.client_id, b.client_name ?? b.client_id) ||
    compareStrings(a.client_id, b.client_id) ||
    compareStrings(a.subject_type, b.subject_type)
  );
}

/**
 * A hash of the live managed grants a plan was computed from. `apply --plan`
 * recomputes it and refuses when it differs: the tenant changed since the plan. `states` and `rows`:
 * the grants' normalised states and their rows' JSON by position, when the diff has them (the same
 * values, worked out before: ≈ 15 and ≈ 25 ms of 10,000 grants).
 */
export function fingerprintGrants(managed: readonly LiveGrant[], states?: readonly (GrantState | undefined)[], rows?: readonly (string | undefined)[]): string {
  const order = managed.map((_, at) => at).sort((x, y) => compareStrings(managed[x]!.id, managed[y]!.id));
  const rowAt = (at: number): string => rows?.[at] ?? fingerprintRow(managed[at]!.id, liveKey(managed[at]!)!, states?.[at] ?? liveState(managed[at]!));
  // The JSON of the rows' array (the same text as JSON.stringify of the whole), hashed a few hundred
  // rows at a time: one 1.9 MB string, flattened and encoded, took ~12 ms more of 10,000 grants
  // (fresh memory), where short ones reuse the young generation's.
  const hash = createHash('sha256').update('[');
  for (let from = 0; from < order.length; from += FINGERPRINT_ROWS_PER_UPDATE) {
    const text = order.slice(from, from + FINGERPRINT_ROWS_PER_UPDATE).map(rowAt).join(',');
    hash.update(from === 0 ? text : `,${text}`, 'utf8');
  }
  return `sha256:${hash.update(']').digest('hex')}`;
}

const FINGERPRINT_ROWS_PER_UPDATE = 400;

/**
 * A hash of what a change set does: each change's action, identity and its before and after
 * state, in identity order. Not grant ids, names, flags or timestamps: two runs that would make the same
 * writes have the same digest, whoever runs them and whatever the clients are called.
 */
export function digestChanges(changes: readonly Change[]): string {
  const rows = changes
    .map((c) => [c.audience, c.client_id, c.subject_type, c.action, c.replaces_subject_type ?? null, c.before, c.after] as const)
    .sort((x, y) => compareStrings(x[0], y[0]) || compareStrings(x[1], y[1]) || compareStrings(x[2], y[2]));
  return sha256Of(JSON.stringify(rows));
}

/**
 * The SHA-256 of a text's UTF-8 bytes. Encoded first: Node hashes a 1.7 MB string passed as is
 * several times slower (≈ 15 ms against 2 ms), and the digest is the same.
 */
function sha256Of(text: string): string {
  return `sha256:${createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex')}`;
}
