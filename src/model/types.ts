// Types only: the vocabulary shared by the pure core (load → validate → resolve → diff → plan → render).
import type { AccessReview } from './review.js';

/** A place in a source file. Lines and columns are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/**
 * How serious a problem is. `error` stops the run (bad input: nothing is read or written);
 * `warning` is reported and the run goes on (`--strict` fails on it); `info` is only reported.
 */
export type Severity = 'error' | 'warning' | 'info';

/**
 * A problem with the user's input (or, as a warning, with what it asks for): always has a message,
 * and a location where one exists. Rendered by one formatter, src/render/problems.ts.
 */
export interface Problem {
  /** Absent means `error`: most problems are input errors, and a warning is always marked. */
  severity?: Severity;
  location?: SourceLocation;
  message: string;
  /** One sentence on what to do about it. */
  hint?: string;
  /**
   * Known values close to the one written ("Did you mean …?"), closest first. When there are some, they
   * are the advice; `hint` is then usually absent.
   */
  suggestions?: string[];
  /** For a least-privilege finding: which check found it (src/lint/least-privilege.ts). */
  rule?: string;
}

export type SubjectType = 'client' | 'user';
export type DefaultFor = 'third_party_clients';
export type OrganizationUsage = 'deny' | 'allow' | 'require';

/** The settings file `grantsync.yaml`, with defaults filled in. */
export interface Settings {
  tenant?: string;
  manage: 'all' | { audiences: string[] };
  maxDeletes: number;
  exclude: { clients: string[] };
  /** The applications the pipeline runs as (plan app, apply app), by name or id: never managed, whoever runs. */
  pipelineClients: string[];
  /** Per API identifier (or the Management API alias), scopes a review must flag as `sensitive`. */
  sensitiveScopes: Record<string, string[]>;
  allowUndefinedScopes: boolean;
  /** Resolved ${NAME} values (declared in `vars:`, overridden by GRANTSYNC_VAR_<NAME>). */
  vars: Record<string, string>;
  /** The vars whose value came from the environment (GRANTSYNC_VAR_<NAME>), sorted: every plan lists them. */
  varsFromEnvironment?: string[];
  /** Extra directories of grant files, relative to the grants directory. */
  include: string[];
  /** Where the settings came from, for messages. */
  source: SourceLocation;
  /** Locations of individual settings, keyed by dotted path (e.g. `manage.audiences.0`). */
  locations: Record<string, SourceLocation>;
}

/** A grant as written in YAML, before names are resolved to ids. */
export interface DeclaredGrant {
  client?: string;
  client_id?: string;
  audience: string;
  scope: string[];
  subject_type: SubjectType;
  organization_usage?: OrganizationUsage;
  allow_any_organization?: boolean;
  /** `allow_all_scopes: true`: every scope of the API, now and later (then `scope` is empty). */
  allow_all_scopes?: boolean;
  /** Rich Authorization Requests types (subject_type user only). */
  authorization_details_types?: string[];
  /** A default grant: it has no client and reaches every third-party client. */
  default_for?: DefaultFor;
  /** Organizations the grant is associated with, by name or id, as written. */
  organizations?: string[];
  /** `expires:` of the whole grant, YYYY-MM-DD (UTC): absent from that day on (see resolve/expiry.ts). */
  expires?: string;
  /** `{name, expires}` scope entries: scope name → its day. The names are in `scope` too. */
  scopeExpiries?: Record<string, string>;
  /** Location of the grant item and of its fields (`client`, `audience`, `scope.0`, …). */
  source: SourceLocation;
  fieldLocations: Record<string, SourceLocation>;
}

/** A client as listed by GET /api/v2/clients (fields limited). */
export interface ClientSummary {
  client_id: string;
  name: string;
  app_type?: string;
  global?: boolean;
  /** The flows the client may use; a machine-to-machine grant needs `client_credentials` (least-privilege checks). */
  grant_types?: string[];
}

/** An API's access policy per subject type: whether a grant is needed (`require_client_grant`), or not (`allow_all`), or no use (`deny_all`). */
export type SubjectTypeAuthorization = Partial<Record<SubjectType, { policy?: string }>>;

export interface ResourceServerSummary {
  id?: string;
  identifier: string;
  name?: string;
  is_system?: boolean;
  scopes: string[];
  /** Seconds an access token for this API lives (already-issued tokens keep their access that long). */
  token_lifetime?: number;
  /** Whether grants decide access to the API, per subject type; absent when the tenant does not say. */
  subject_type_authorization?: SubjectTypeAuthorization;
}

/** A grant as the Management API returns it. Unset keys are absent. */
export interface LiveGrant {
  id: string;
  client_id?: string;
  audience: string;
  scope?: string[];
  organization_usage?: OrganizationUsage;
  allow_any_organization?: boolean;
  is_system?: boolean;
  subject_type?: SubjectType;
  authorization_details_types?: string[];
  allow_all_scopes?: boolean;
  default_for?: string;
  /**
   * Not an API field: the ids of the organizations the grant is associated with, filled in by
   * grantsync when it read the associations (only for grants that can have them).
   */
  organizations?: string[];
}

/** An organization as GET /api/v2/organizations lists it (fields limited). */
export interface OrganizationSummary {
  id: string;
  name: string;
}

/** What the tenant looks like: the three lists grantsync reads, and organizations when some grant needs them. */
export interface TenantSnapshot {
  clients: ClientSummary[];
  resourceServers: ResourceServerSummary[];
  grants: LiveGrant[];
  /** Read only when a grant can be associated with organizations. */
  organizations?: OrganizationSummary[];
}

/**
 * The mutable part of a grant, normalised: scopes sorted and unique, defaults
 * omitted (organization_usage `deny`, allow_any_organization `false`), the way
 * Auth0 omits unset keys. Two grants are equal exactly when these are equal.
 */
export interface GrantState {
  scope: string[];
  organization_usage?: OrganizationUsage;
  allow_any_organization?: boolean;
  /** `allow_all_scopes: true` means "every scope, including later ones"; `scope` is then empty. */
  allow_all_scopes?: true;
  /** Rich Authorization Requests types, sorted and unique; omitted when none. */
  authorization_details_types?: string[];
  /** Ids of the associated organizations, sorted; omitted when none. */
  organizations?: string[];
}

/**
 * The identity of a grant: (client_id, audience, subject_type), or (default_for, audience) for a
 * default grant, whose client_id is '' (real client ids are never empty) and subject_type `client`.
 */
export interface GrantKey {
  client_id: string;
  audience: string;
  subject_type: SubjectType;
  default_for?: DefaultFor;
}

/** A declared grant after resolution: ids known, ready to diff. */
export interface DesiredGrant extends GrantKey {
  client_name?: string;
  state: GrantState;
  source?: SourceLocation;
}

export type Action = 'create' | 'update' | 'delete' | 'replace';
/**
 * `wildcard`: the grant gets every scope of the API, including ones added later; `fleet-wide`: a
 * default grant, which reaches every third-party client, including ones registered later.
 */
export type Flag = 'privilege-increase' | 'self-escalation' | 'wildcard' | 'fleet-wide';

/** An association added (+) or removed (-) by a change, with the organization's name for display. */
export interface OrganizationLine {
  sign: '+' | '-';
  id: string;
  name: string;
}

export interface Change extends GrantKey {
  action: Action;
  client_name?: string;
  before: GrantState | null;
  after: GrantState | null;
  flags: Flag[];
  /** For a replace: the subject_type of the grant that is deleted. */
  replaces_subject_type?: SubjectType;
  /** Associations this change adds and removes (named by the plan), when any. */
  organization_lines?: OrganizationLine[];
  /** Removals this change makes because an `expires:` day has come (not part of the change set digest). */
  expired?: ExpiredLabel[];
}

/** "expired on <day>": the whole grant (`scope` null) or one scope, removed because its day came. */
export interface ExpiredLabel {
  scope: string | null;
  expired_on: string;
}

/** An `expires:` entry whose day is near (up to 14 days ahead): the plan and validate warn. */
export interface ExpiringEntry {
  /** The client as written (name or client_id); null for a default grant. */
  client: string | null;
  /** The audience as written. */
  audience: string;
  /** The scope that expires; null for the whole grant. */
  scope: string | null;
  expires: string;
  /** Whole days from today (UTC) to `expires`, 1 to 14. */
  days: number;
  location: SourceLocation;
}

export type UnmanagedReason = 'system' | 'unknown-field' | 'own-client' | 'pipeline-client' | 'excluded-client' | 'outside-manage';

/** Who owns what: computed once from settings and the running client. */
export interface Ownership {
  manage: 'all' | { audiences: string[] };
  excludedClientIds: string[];
  /** The clients named in `pipeline_clients:`, resolved to ids; their grants are never managed. */
  pipelineClientIds?: string[];
  /** The client grantsync runs as; undefined when it cannot tell. */
  ownClientId?: string;
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  replace: number;
  unchanged: number;
  unmanaged: number;
}

export interface Plan {
  /** The address the tenant was reached at: the `tenant:` pin, else the host of AUTH0_DOMAIN. */
  tenant: string;
  /**
   * The tenant's own name: the host of its Management API audience (the `is_system` API), e.g.
   * acme.eu.auth0.com behind a custom domain, or demo.grantsync.local behind 127.0.0.1:4010.
   */
  tenantName?: string;
  /** What the plan means for access (risk classes, effective access, revocation timing); absent when not computed. */
  review?: AccessReview;
  /** Least-privilege findings (warnings, and info for unheld scopes) at their YAML lines; absent when not computed. */
  lint?: Problem[];
  /** A hash of the live managed grants the plan was computed from (changes when the tenant does). */
  fingerprint: string;
  /** A hash of the change set (actions, identities, before and after): what a reviewer approves. */
  digest: string;
  summary: PlanSummary;
  changes: Change[];
  /** Unmanaged grants by reason; not part of the JSON contract, shown by text and markdown. */
  unmanagedByReason: Partial<Record<UnmanagedReason, number>>;
  /** The deletion budget apply will hold this plan to (set by the engine, src/plan/refusals.ts). */
  budget?: Budget;
  /** Why apply would refuse this plan; empty when it would not (set by the engine). */
  refusals?: Refusal[];
  /** The vars whose value came from the environment (GRANTSYNC_VAR_<NAME>): a plan says where it came from. */
  varsFromEnvironment?: string[];
  /** `expires:` entries that expire within 14 days; absent when the plan was made without a day. */
  expiring?: ExpiringEntry[];
}

/** How many removals one apply may make, and who said so. */
export interface Budget {
  maxDeletes: number;
  /** `settings`: max_deletes in grantsync.yaml; `option`: --max-deletes; `label`: a reviewed pull-request label. */
  source: 'settings' | 'option' | 'label';
  /** For a label: the pull request that carries it. */
  pullRequest?: number;
}

/** A rail apply will not pass, as data: the plan says it, apply throws it (src/plan/refusals.ts). */
export interface Refusal {
  rule: 'max-deletes' | 'unknown-client' | 'pipeline-lockout';
  /** What is wrong, without "nothing was changed". */
  reason: string;
  /** What to do about it. */
  advice: string;
}

/** What the HTTP client has seen so far: read round trips, the server's refill rate, the read pool. */
export interface ReadProfile {
  /** Typical round trip of a list page, in ms. */
  latencyMs: number;
  /** Requests per second the server lets through; Infinity when it announces no limit; undefined when not yet known. */
  requestsPerSecond: number | undefined;
  /** How many reads may be in flight together. */
  readConcurrency: number;
  /** Grants per list page. */
  pageSize: number;
}
