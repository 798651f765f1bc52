// Auth0's rules for a client grant's body and the key order of its replies.
import { error, type Reply } from './reply.js';
import type { StoredGrant } from './tenant-state.js';

export const invalidBody = (detail: string): Reply => error(400, `Payload validation error: '${detail}'.`, 'invalid_body');

const POST_FIELDS = new Set([
  'client_id', 'audience', 'scope', 'subject_type', 'organization_usage', 'allow_any_organization',
  'authorization_details_types', 'allow_all_scopes', 'default_for',
]);
export const PATCH_FIELDS = new Set(['scope', 'organization_usage', 'allow_any_organization', 'authorization_details_types', 'allow_all_scopes']);
const ORGANIZATION_USAGE = new Set(['deny', 'allow', 'require']);

/** Response key order as recorded: id, client_id, audience, scope, organization_usage, allow_any_organization, is_system, subject_type, … */
export function present(grant: StoredGrant): Record<string, unknown> {
  const out: Record<string, unknown> = { id: grant.id };
  if (grant.client_id !== undefined) out.client_id = grant.client_id;
  out.audience = grant.audience;
  if (grant.scope !== undefined && grant.allow_all_scopes !== true) out.scope = [...grant.scope];
  if (grant.organization_usage !== undefined) out.organization_usage = grant.organization_usage;
  if (grant.allow_any_organization !== undefined) out.allow_any_organization = grant.allow_any_organization;
  if (grant.is_system) out.is_system = true;
  out.subject_type = grant.subject_type;
  if (grant.authorization_details_types !== undefined) out.authorization_details_types = [...grant.authorization_details_types];
  if (grant.allow_all_scopes !== undefined) out.allow_all_scopes = grant.allow_all_scopes;
  if (grant.default_for !== undefined) out.default_for = grant.default_for;
  // Keys a newer Auth0 returns (seeded with `extra:` to test that clients leave such grants alone).
  for (const [key, value] of Object.entries(grant)) if (!PRESENTED.has(key)) out[key] = value;
  return out;
}

const PRESENTED = new Set([...POST_FIELDS, 'id', 'is_system']);

export function validateMutable(body: Record<string, unknown>): Reply | undefined {
  if (body.scope !== undefined && body.scope !== null) {
    if (!Array.isArray(body.scope)) return invalidBody(`Expected type array but found type ${typeName(body.scope)} on property scope`);
    for (const item of body.scope) {
      if (typeof item !== 'string') return invalidBody(`Expected type string but found type ${typeName(item)} on property scope`);
      if (item.length < 1 || item.length > 280) return invalidBody(`String is too ${item.length < 1 ? 'short' : 'long'} on property scope`);
    }
  }
  if (body.organization_usage !== undefined && body.organization_usage !== null && !ORGANIZATION_USAGE.has(body.organization_usage as string)) {
    return invalidBody(`No enum match for: ${JSON.stringify(body.organization_usage)} on property organization_usage`);
  }
  for (const flag of ['allow_any_organization', 'allow_all_scopes'] as const) {
    if (body[flag] !== undefined && body[flag] !== null && typeof body[flag] !== 'boolean') {
      return invalidBody(`Expected type boolean but found type ${typeName(body[flag])} on property ${flag}`);
    }
  }
  if (body.authorization_details_types !== undefined && !Array.isArray(body.authorization_details_types)) {
    return invalidBody(`Expected type array but found type ${typeName(body.authorization_details_types)} on property authorization_details_types`);
  }
  return undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const fail = (reply: Reply): { reply: Reply } => ({ reply });

/** The checks of a new grant's body that need no tenant, in Auth0's order (the first failing one answers). */
export function checkCreateBody(body: unknown): { body: Record<string, unknown> & { audience: string } } | { reply: Reply } {
  if (!isObject(body)) return fail(invalidBody('Expected type object but found type ' + typeName(body)));
  for (const key of Object.keys(body)) if (!POST_FIELDS.has(key)) return fail(invalidBody(`Additional properties not allowed: ${key}`));
  if (body.audience === undefined) return fail(invalidBody('Missing required property: audience'));
  if (typeof body.audience !== 'string' || body.audience.length === 0) return fail(invalidBody('Expected type string but found type ' + typeName(body.audience) + ' on property audience'));
  const hasClient = body.client_id !== undefined;
  const hasDefault = body.default_for !== undefined;
  if (hasClient === hasDefault) return fail(error(400, 'Exactly one of client_id or default_for must be provided.', 'invalid_body'));
  if (hasClient && typeof body.client_id !== 'string') return fail(invalidBody('Expected type string but found type ' + typeName(body.client_id) + ' on property client_id'));
  if (hasDefault && body.default_for !== 'third_party_clients') return fail(invalidBody('No enum match for: ' + JSON.stringify(body.default_for) + ' on property default_for'));
  const fieldError = validateMutable(body);
  if (fieldError) return fail(fieldError);
  if (body.subject_type !== undefined && body.subject_type !== 'client' && body.subject_type !== 'user') {
    return fail(invalidBody(`No enum match for: ${JSON.stringify(body.subject_type)} on property subject_type`));
  }
  if (body.allow_all_scopes === true && body.scope !== undefined) {
    return fail(error(400, 'scope cannot be provided when allow_all_scopes is true', 'invalid_body'));
  }
  if (body.allow_all_scopes !== true && (body.scope === undefined || body.scope === null)) {
    return fail(invalidBody('Missing required property: scope'));
  }
  return { body: body as Record<string, unknown> & { audience: string } };
}
