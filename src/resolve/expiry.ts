// What `expires:` means: from that day (UTC) on, the grant or scope is treated as absent, so the plan
// removes it, labelled "expired on <day>"; up to EXPIRY_WARNING_DAYS before, plan and validate warn.
// `today` comes in from the CLI (YYYY-MM-DD, UTC): this module has no clock. Pure.
import { MANAGEMENT_API_ALIAS } from '../model/grant.js';
import type { Change, DeclaredGrant, ExpiredLabel, ExpiringEntry, Problem, SourceLocation, TenantSnapshot } from '../model/types.js';
import { daysUntil } from '../util/day.js';
import { quoted } from '../util/excerpt.js';

export { daysUntil, utcDay } from '../util/day.js';

/** How many days ahead an `expires:` day is announced. */
export const EXPIRY_WARNING_DAYS = 14;

/** One `expires:` entry whose day has come: the grant (`scope` null) or one of its scopes. */
export interface ExpiredEntry {
  grant: DeclaredGrant;
  scope: string | null;
  expired_on: string;
  location: SourceLocation;
}

export interface ExpiryResult {
  /** The grants with expired grants left out and expired scopes removed. */
  grants: DeclaredGrant[];
  expired: ExpiredEntry[];
  expiring: ExpiringEntry[];
}

/**
 * Drops what has expired by `today`: a grant whose `expires` day is today or earlier is left out
 * (so the plan deletes it), a scope whose day has come is taken out of its grant's `scope`.
 */
export function applyExpiry(declared: readonly DeclaredGrant[], today: string): ExpiryResult {
  const result: ExpiryResult = { grants: [], expired: [], expiring: [] };
  for (const grant of declared) {
    const entries: [string | null, string, SourceLocation][] = [];
    if (grant.expires) entries.push([null, grant.expires, grant.fieldLocations.expires ?? grant.source]);
    grant.scope.forEach((scope, i) => {
      const day = grant.scopeExpiries?.[scope];
      if (day) entries.push([scope, day, grant.fieldLocations[`scope.${i}.expires`] ?? grant.fieldLocations[`scope.${i}`] ?? grant.source]);
    });
    const gone = new Set<string | null>();
    for (const [scope, day, location] of entries) {
      const days = daysUntil(day, today);
      if (days <= 0) {
        gone.add(scope);
        result.expired.push({ grant, scope, expired_on: day, location });
      } else if (days <= EXPIRY_WARNING_DAYS) {
        result.expiring.push({ client: clientAsWritten(grant), audience: grant.audience, scope, expires: day, days, location });
      }
    }
    if (gone.has(null)) continue;
    result.grants.push(gone.size === 0 ? grant : { ...grant, scope: grant.scope.filter((s) => !gone.has(s)) });
  }
  return result;
}

/** `file:line` warnings: "expires in N days" ahead of the day, "expired on <day>" once it has come. */
export function expiryWarnings(result: Pick<ExpiryResult, 'expired' | 'expiring'>): Problem[] {
  const expiring = result.expiring.map(
    (e): Problem => ({
      severity: 'warning',
      location: e.location,
      message: `${what(e.scope, e.client, e.audience)} expires in ${e.days} day${e.days === 1 ? '' : 's'} (${e.expires}); from that day grantsync treats it as absent and removes it`,
      hint: 'Move the `expires` day (or remove it) in a pull request if the access is still needed.',
    }),
  );
  const expired = result.expired.map(
    (e): Problem => ({
      severity: 'warning',
      location: e.location,
      message: `${what(e.scope, clientAsWritten(e.grant), e.grant.audience)} expired on ${e.expired_on}: it is treated as absent, and the plan removes it from the tenant`,
      hint: 'Delete the entry from the file (the nightly `grantsync expire --open-pr` job opens a pull request that does).',
    }),
  );
  return [...expired, ...expiring];
}

/**
 * Labels each change that removes an expired grant or scope with "expired on <day>". The expired
 * entries were never resolved (an expired grant may name a client that is gone), so their client
 * and API are looked up here, by id or unique name, as resolve does.
 */
export function labelExpired(changes: readonly Change[], expired: readonly ExpiredEntry[], tenant: TenantSnapshot): Change[] {
  if (expired.length === 0) return [...changes];
  const labels = new Map<string, ExpiredLabel[]>();
  for (const entry of expired) {
    const key = keyOf(entry.grant, tenant);
    if (key === undefined) continue;
    const list = labels.get(key) ?? [];
    list.push({ scope: entry.scope, expired_on: entry.expired_on });
    labels.set(key, list);
  }
  return changes.map((change) => {
    const candidates = labels.get(`${change.client_id}\u0000${change.audience}\u0000${change.subject_type}`) ?? [];
    const removed = new Set((change.before?.scope ?? []).filter((s) => !(change.after?.scope ?? []).includes(s)));
    const found = candidates.filter((l) => (l.scope === null ? change.action === 'delete' : removed.has(l.scope)));
    return found.length > 0 ? { ...change, expired: found } : change;
  });
}

function keyOf(grant: DeclaredGrant, tenant: TenantSnapshot): string | undefined {
  const audience = grant.audience === MANAGEMENT_API_ALIAS ? tenant.resourceServers.find((rs) => rs.is_system)?.identifier : grant.audience;
  if (audience === undefined) return undefined;
  let clientId: string | undefined = grant.default_for ? '' : grant.client_id;
  if (clientId === undefined) {
    const named = tenant.clients.filter((c) => c.name === grant.client && !c.global);
    clientId = named.length === 1 ? named[0]!.client_id : undefined;
  }
  return clientId === undefined ? undefined : `${clientId}\u0000${audience}\u0000${grant.default_for ? 'client' : grant.subject_type}`;
}

function clientAsWritten(grant: DeclaredGrant): string | null {
  return grant.default_for ? null : (grant.client ?? grant.client_id ?? null);
}

function what(scope: string | null, client: string | null, audience: string): string {
  const grant = `${client === null ? 'the default grant' : quoted(client)} → ${quoted(audience)}`;
  return scope === null ? `the grant ${grant}` : `scope ${quoted(scope)} of ${grant}`;
}
