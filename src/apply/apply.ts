// Executes a plan's changes through the ManagementApi port. Never renders, never exits.
import pLimit from 'p-limit';
import type { CreateGrantBody, ManagementApi, UpdateGrantBody } from '../api/port.js';
import { grantKeyString, liveKey, normalizeState, organizationDelta, statesEqual, unknownField } from '../model/grant.js';
import { ApiError } from '../errors.js';
import type { Breaker } from './breaker.js';
import type { Outcome } from '../model/outcome.js';
import type { Change, GrantKey, GrantState, LiveGrant } from '../model/types.js';

export { outcomeStatus, type Outcome, type OutcomeKind } from '../model/outcome.js';

export interface ApplyOptions {
  /** Live managed grants the plan was computed from: where update and delete find their ids. */
  live: readonly LiveGrant[];
  /** Stops starting new changes (in-flight ones finish). */
  signal?: AbortSignal;
  /** Changes in progress at once (default 8). A change may take more than one request. */
  concurrency?: number;
  onOutcome?: (outcome: Outcome, done: number, total: number) => void;
  /** Open when continuing cannot help (src/apply/breaker.ts): no new change starts. */
  breaker?: Breaker;
}

/** The note of a change that was never started: interrupted, or stopped by the breaker. */
export const INTERRUPTED = 'interrupted before it started';

export async function applyChanges(changes: readonly Change[], api: ManagementApi, options: ApplyOptions): Promise<Outcome[]> {
  const liveByKey = new Map<string, LiveGrant>();
  for (const grant of options.live) {
    const key = liveKey(grant);
    if (key) liveByKey.set(grantKeyString(key), grant);
  }
  let done = 0;
  const stopped = (): boolean => options.signal?.aborted === true || options.breaker?.open === true;
  // Changes wait here, not inside the HTTP client, so an interrupt can stop the ones not yet started.
  const limit = pLimit(options.concurrency ?? 8);
  return Promise.all(
    changes.map((change) => limit(async (): Promise<Outcome> => {
      let outcome: Outcome;
      if (options.signal?.aborted) {
        outcome = { change, kind: 'skipped', note: INTERRUPTED };
      } else if (options.breaker?.open) {
        outcome = { change, kind: 'skipped', note: `not started: ${options.breaker.reason}` };
      } else {
        try {
          outcome = await applyOne(change, api, liveByKey, stopped);
        } catch (error) {
          outcome = { change, kind: 'failed', error: error instanceof Error ? error : new Error(String(error)) };
          options.breaker?.failed(outcome.error);
        }
      }
      options.onOutcome?.(outcome, ++done, changes.length);
      return outcome;
    })),
  );
}

async function applyOne(change: Change, api: ManagementApi, liveByKey: Map<string, LiveGrant>, stopped: () => boolean): Promise<Outcome> {
  const key: GrantKey = {
    client_id: change.client_id,
    audience: change.audience,
    subject_type: change.subject_type,
    ...(change.default_for ? { default_for: change.default_for } : {}),
  };
  switch (change.action) {
    case 'create':
      return { change, ...(await ensure(key, change.after!, api, stopped)) };
    case 'update': {
      const live = liveByKey.get(grantKeyString(key));
      if (!live) return { change, ...(await ensure(key, change.after!, api, stopped)) };
      const have = normalizeState(live);
      try {
        const body = updateBody(have, change.after!);
        // Only the associations differ: there is nothing to PATCH (Auth0 refuses an empty body).
        if (Object.keys(body).length > 0) await api.updateGrant(live.id, body);
      } catch (error) {
        // Gone since the plan (someone deleted or re-created it): plan this key again.
        if (error instanceof ApiError && error.status === 404) {
          const ensured = await ensure(key, change.after!, api, stopped);
          return { change, kind: ensured.kind, note: `${ensured.note ?? 'created'}; the planned grant was gone` };
        }
        throw error;
      }
      await syncOrganizations(api, live.id, have, change.after!);
      return { change, kind: 'updated' };
    }
    case 'delete': {
      // Auth0 removes a deleted grant's associations with it.
      const live = liveByKey.get(grantKeyString(key)) ?? (await api.findGrant(key));
      if (live) refuseUnknown(live);
      if (live) await api.deleteGrant(live.id);
      return { change, kind: 'deleted', ...(live ? {} : { note: 'already gone' }) };
    }
    case 'replace': {
      const ensured = await ensure(key, change.after!, api, stopped);
      const oldKey: GrantKey = { ...key, subject_type: change.replaces_subject_type! };
      const old = liveByKey.get(grantKeyString(oldKey)) ?? (await api.findGrant(oldKey));
      if (old) refuseUnknown(old);
      if (old) await api.deleteGrant(old.id);
      return { change, ...ensured };
    }
  }
}

type Ensured = { kind: 'created' | 'adopted' | 'patched'; note?: string };

/**
 * Makes the grant with this key exist with this state. A POST is never blindly
 * repeated: after a 409 or an answer that never came, the key is read back and
 * the grant found there is adopted (or patched to the wanted state). Associations
 * come after the grant exists: a new grant has none, an adopted one is read.
 */
async function ensure(key: GrantKey, want: GrantState, api: ManagementApi, stopped: () => boolean): Promise<Ensured> {
  for (let attempt = 0; ; attempt++) {
    try {
      const created = await api.createGrant(createBody(key, want));
      // A new grant has no associations.
      await syncOrganizations(api, created.id, null, want);
      return { kind: 'created' };
    } catch (error) {
      const conflict = error instanceof ApiError && error.status === 409;
      const unknown = error instanceof ApiError && error.outcomeUnknown;
      if (!conflict && !unknown) throw error;
      const existing = await api.findGrant(key);
      if (existing) return adopt(existing, want, api, conflict);
      // Nothing there: the POST did not land. Try again, a bounded number of times.
      if (attempt >= 2 || stopped()) throw error;
    }
  }
}

async function adopt(existing: LiveGrant, want: GrantState, api: ManagementApi, conflict: boolean): Promise<Ensured> {
  refuseUnknown(existing);
  const organizations = want.organizations || existing.organization_usage === 'allow' || existing.organization_usage === 'require'
    ? await api.listGrantOrganizations(existing.id)
    : [];
  const have = normalizeState({ ...existing, organizations });
  if (statesEqual(have, want)) return { kind: 'adopted', note: conflict ? 'adopted an existing grant (409)' : 'adopted: the create had landed' };
  const body = updateBody(have, want);
  if (Object.keys(body).length > 0) await api.updateGrant(existing.id, body);
  await syncOrganizations(api, existing.id, have, want);
  return { kind: 'patched', note: conflict ? 'patched an existing grant (409)' : 'patched: the create had landed' };
}

/**
 * A grant found at apply time (after a 409, or looked up to delete) that has a field grantsync does not
 * know is never changed or deleted: unknown must never mean destroy.
 */
function refuseUnknown(grant: LiveGrant): void {
  const field = unknownField(grant);
  if (field === undefined) return;
  throw new ApiError({
    message: `the grant ${grant.id} found there has ${field.slice(0, 80)}, which grantsync does not know; it was left alone`,
    method: 'GET',
    path: '/api/v2/client-grants',
  });
}

/** Adds and removes associations so the grant's organizations are exactly `want`'s, one request each. */
async function syncOrganizations(api: ManagementApi, grantId: string, have: GrantState | null, want: GrantState): Promise<void> {
  const { added, removed } = organizationDelta(have, want);
  for (const organizationId of removed) await api.dissociateOrganization(organizationId, grantId);
  for (const organizationId of added) await api.associateOrganization(organizationId, grantId);
}

export function createBody(key: GrantKey, want: GrantState): CreateGrantBody {
  return {
    ...(key.default_for ? { default_for: key.default_for } : { client_id: key.client_id }),
    audience: key.audience,
    ...(want.allow_all_scopes ? { allow_all_scopes: true as const } : { scope: [...want.scope] }),
    ...(key.default_for ? {} : { subject_type: key.subject_type }),
    ...(want.organization_usage ? { organization_usage: want.organization_usage } : {}),
    ...(want.allow_any_organization ? { allow_any_organization: true } : {}),
    ...(want.authorization_details_types ? { authorization_details_types: [...want.authorization_details_types] } : {}),
  };
}

/** Only the fields that differ; values are absolute, so repeating the PATCH is harmless. */
export function updateBody(have: GrantState, want: GrantState): UpdateGrantBody {
  const body: UpdateGrantBody = {};
  if (want.allow_all_scopes) {
    if (!have.allow_all_scopes) body.allow_all_scopes = true;
  } else {
    // Turning every-scope off sends the list with it, as Auth0's own provider does.
    if (have.allow_all_scopes) body.allow_all_scopes = false;
    if (have.allow_all_scopes || have.scope.length !== want.scope.length || have.scope.some((s, i) => s !== want.scope[i])) {
      body.scope = [...want.scope];
    }
  }
  if ((have.organization_usage ?? 'deny') !== (want.organization_usage ?? 'deny')) body.organization_usage = want.organization_usage ?? 'deny';
  if ((have.allow_any_organization ?? false) !== (want.allow_any_organization ?? false)) {
    body.allow_any_organization = want.allow_any_organization ?? false;
  }
  const haveTypes = have.authorization_details_types ?? [];
  const wantTypes = want.authorization_details_types ?? [];
  if (haveTypes.length !== wantTypes.length || haveTypes.some((t, i) => t !== wantTypes[i])) body.authorization_details_types = [...wantTypes];
  return body;
}
