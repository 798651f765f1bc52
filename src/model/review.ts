// The vocabulary of a plan's access review (computed by review/access.ts, rendered by render/review.ts).

/** In the order a reviewer should read them: the most dangerous first. */
export const RISK_CLASSES = ['self-escalation', 'privilege-increase', 'wildcard', 'fleet-wide', 'any-organization', 'sensitive'] as const;
export type RiskClass = (typeof RISK_CLASSES)[number];

/** Auth0's default access-token lifetime for an API, in seconds. */
export const DEFAULT_TOKEN_LIFETIME = 86_400;

/**
 * Who holds access: a client, or every third-party client through a default grant (`default_for`; then
 * `client_id` is '' in the model and null in the JSON plan).
 */
export interface Holder {
  client_id: string;
  client_name: string | null;
  default_for?: string;
}

export interface Risk extends Holder {
  class: RiskClass;
  audience: string;
  /** The scopes that make it this class, where scopes do. */
  scopes: string[];
}

export type ScopeStatus = 'kept' | 'added' | 'removed';

export interface ApiAccess {
  audience: string;
  subject_type: string;
  /** `added`: a new grant; `removed`: the grant is gone after the apply. */
  status: ScopeStatus;
  /** Every scope of the grant (all, when it allows every scope). */
  all_scopes: boolean;
  scopes: { scope: string; status: ScopeStatus }[];
  /**
   * For grants usable with Organizations (before or after): `require` means only with one of
   * `organizations` (or any, with `any_organization`); `allow` means also without one.
   */
  organization_usage?: 'allow' | 'require';
  any_organization?: boolean;
  organizations?: { id: string; name: string; status: ScopeStatus }[];
}

export interface ClientAccess extends Holder {
  apis: ApiAccess[];
}

export interface ApiWriters {
  audience: string;
  /** Each write-like scope someone holds after the apply, with its holders. */
  scopes: { scope: string; holders: (Holder & { new: boolean })[] }[];
}

export interface Revocation extends Holder {
  audience: string;
  /** The scopes removed; empty when the whole grant goes. */
  scopes: string[];
  /** Names of the organizations the grant is no longer associated with. */
  organizations: string[];
  /** The grant allowed every scope (`allow_all_scopes`) and no longer does. */
  every_scope?: true;
  grant_removed: boolean;
  /** Already-issued tokens keep the access for at most this long after the apply. */
  token_lifetime: number;
}

export interface AccessReview {
  risks: Risk[];
  clients: ClientAccess[];
  apis: ApiWriters[];
  revocations: Revocation[];
  /** When every removal is fully effective, in seconds after the apply; undefined with no removal. */
  fully_effective_after: number | undefined;
}
