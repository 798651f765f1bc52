// Least-privilege checks: grants that give access nobody can use, or that keep access the YAML meant
// to take away, and scopes nobody holds. Each finding is a Problem with a severity (`warning`, or
// `info` for unheld scopes) and a `rule`, at the grant's line in its YAML file. Computed from the
// desired grants, the plan's changes and what was already read (clients with `grant_types` and
// `app_type`, APIs with `subject_type_authorization`): no request of its own. Pure.
// The rules and the decisions behind them: docs/least-privilege.md.
import type { Change, ClientSummary, DesiredGrant, LiveGrant, Ownership, Problem, ResourceServerSummary, SourceLocation, SubjectType } from '../model/types.js';

export const LINT_RULES = ['client-cannot-use-grant', 'api-policy-ignores-grant', 'empty-scope-grant', 'unheld-scopes'] as const;
export type LintRule = (typeof LINT_RULES)[number];

export interface LintInput {
  /** The grants the YAML declares, resolved (with their source lines). */
  desired: readonly DesiredGrant[];
  changes: readonly Change[];
  /** Every grant read from the tenant, managed or not. */
  live: readonly LiveGrant[];
  clients: readonly ClientSummary[];
  resourceServers: readonly ResourceServerSummary[];
  ownership: Pick<Ownership, 'manage'>;
}

export function lintGrants(input: LintInput & { early?: DesiredLint }): Problem[] {
  const early = input.early && madeFor(input.early, input) ? input.early : lintDesired(input);
  const problems: Problem[] = [];
  const add = (found: Problem | undefined): void => void (found && problems.push(found));
  // In the order of the desired grants, each grant's findings in the order of the rules.
  for (const { at, found } of early.notable) {
    const grant = input.desired[at]!;
    problems.push(...found);
    if (isEmpty(grant)) add(emptyScopes(grant, input.changes));
  }
  problems.push(...unheldScopes(input, early.firstOn));
  return ordered(problems);
}

/**
 * What the checks find from the desired grants, clients and APIs alone: computed before the grants
 * are read (EarlyResolution), so that the end of a plan only adds what needs the changes.
 */
export interface DesiredLint {
  /** What it was made from: used only for these very lists. */
  desired: readonly DesiredGrant[];
  clients: readonly ClientSummary[];
  resourceServers: readonly ResourceServerSummary[];
  /** The desired grants (by position, in order) with a finding, or with no scope (that finding needs the changes). */
  notable: { at: number; found: Problem[] }[];
  /** The first declared grant on each audience (by file and line): where unheld scopes are reported. */
  firstOn: Map<string, DesiredGrant>;
}

export function lintDesired(input: Pick<LintInput, 'desired' | 'clients' | 'resourceServers'>): DesiredLint {
  const clients = new Map(input.clients.map((c) => [c.client_id, c]));
  const apis = new Map(input.resourceServers.map((rs) => [rs.identifier, rs]));
  const notable: DesiredLint['notable'] = [];
  input.desired.forEach((grant, at) => {
    const api = apis.get(grant.audience);
    const client = grant.default_for ? undefined : clients.get(grant.client_id);
    const found = [client && clientCannotUse(grant, client), api && policyIgnores(grant, api)].filter((p): p is Problem => p !== undefined);
    if (found.length > 0 || isEmpty(grant)) notable.push({ at, found });
  });
  return { desired: input.desired, clients: input.clients, resourceServers: input.resourceServers, notable, firstOn: firstGrantPerAudience(input.desired) };
}

function madeFor(early: DesiredLint, input: LintInput): boolean {
  return early.desired === input.desired && early.clients === input.clients && early.resourceServers === input.resourceServers;
}

/** Warnings first, then notes; in each, by file and line: the order every form of the plan shows. */
function ordered(findings: readonly Problem[]): Problem[] {
  const rank = (p: Problem): number => (p.severity === 'info' ? 1 : 0);
  return [...findings].sort((a, b) => rank(a) - rank(b) || comparePlaces(a.location, b.location));
}

/** By file, then line; no place last. */
function comparePlaces(a: SourceLocation | undefined, b: SourceLocation | undefined): number {
  if (!a || !b) return (a ? 0 : 1) - (b ? 0 : 1);
  // Most comparisons are within one file (its path, one string): equal, without comparing its characters twice.
  if (a.file === b.file) return a.line - b.line;
  return a.file < b.file ? -1 : 1;
}

function warning(rule: LintRule, grant: DesiredGrant, message: string, hint: string): Problem {
  return { severity: 'warning', rule, ...(grant.source ? { location: grant.source } : {}), message, hint };
}

function nameOf(grant: DesiredGrant): string {
  return grant.default_for ? `the default grant (${grant.default_for})` : `\`${grant.client_name ?? grant.client_id}\``;
}

/**
 * A machine-to-machine grant is used through the client-credentials flow: a client whose
 * `grant_types` lack `client_credentials` cannot get its token, and a client that is not a
 * machine-to-machine application (`app_type` other than `non_interactive`) should not hold one. A
 * user grant is used through the user flows (every grant type but `client_credentials`): a client
 * with none of them cannot use it. Fields Auth0 did not return are not guessed at.
 */
function clientCannotUse(grant: DesiredGrant, client: ClientSummary): Problem | undefined {
  const types = client.grant_types;
  // Worded only for a finding: this runs for every desired grant, and most have none.
  const who = (): string => nameOf(grant);
  const listed = (): string => (types && types.length ? types.map((t) => `\`${t}\``).join(', ') : 'none');
  if (grant.subject_type === 'user') {
    if (!types || types.some((t) => t !== 'client_credentials')) return undefined;
    return warning(
      'client-cannot-use-grant',
      grant,
      `${who()} cannot use this user grant on \`${grant.audience}\`: its grant types (${listed()}) include no user flow`,
      'Enable a user flow (e.g. authorization_code) on the application, or remove the grant.',
    );
  }
  if (types && !types.includes('client_credentials')) {
    return warning(
      'client-cannot-use-grant',
      grant,
      `${who()} cannot use this grant on \`${grant.audience}\`: its grant types (${listed()}) lack \`client_credentials\``,
      'Remove the grant, or enable the Client Credentials grant type on a machine-to-machine application (Applications → Advanced Settings → Grant Types).',
    );
  }
  if (client.app_type !== undefined && client.app_type !== 'non_interactive') {
    return warning(
      'client-cannot-use-grant',
      grant,
      `${who()} is a \`${client.app_type}\` application, not a machine-to-machine one, but this grant gives it machine-to-machine access to \`${grant.audience}\``,
      'Give the access to a machine-to-machine application of its own, or use `subject_type: user` for access on behalf of users.',
    );
  }
  return undefined;
}

/**
 * The API's access policy for the grant's subject type (`subject_type_authorization`) decides whether
 * grants count at all: `require_client_grant` (the default for client access) uses them, `allow_all`
 * lets every application in without one, `deny_all` lets none in, grant or not.
 */
function policyIgnores(grant: DesiredGrant, api: ResourceServerSummary): Problem | undefined {
  const policy = api.subject_type_authorization?.[grant.subject_type]?.policy;
  if (policy === undefined || policy === 'require_client_grant') return undefined;
  const access = accessWord(grant.subject_type);
  const effect =
    policy === 'allow_all'
      ? 'every application may get tokens for it without a grant, so this grant neither gives nor limits access'
      : policy === 'deny_all'
        ? 'no application may get tokens for it, so this grant cannot be used'
        : 'grantsync does not know this policy, so it cannot tell whether the grant is used';
  return warning(
    'api-policy-ignores-grant',
    grant,
    `\`${grant.audience}\` has the ${access} policy \`${policy}\`: ${effect}`,
    `Set the API's ${access} policy to "Allow via client-grant" (require_client_grant) if grants should decide, or remove the grant.`,
  );
}

function accessWord(subject: SubjectType): string {
  return subject === 'user' ? 'user access' : 'client access';
}

/** No scope, no wildcard and no authorization details type: the grant still gives access (emptyScopes). */
function isEmpty(grant: DesiredGrant): boolean {
  const state = grant.state;
  return !(state.scope.length > 0 || state.allow_all_scopes || (state.authorization_details_types ?? []).length > 0);
}

/**
 * A grant with no scopes still lets its client get access tokens for the API: taking every scope away
 * is not taking the access away. Rich Authorization Requests types count as access.
 */
function emptyScopes(grant: DesiredGrant, changes: readonly Change[]): Problem | undefined {
  const change = changes.find((c) => sameKey(c, grant));
  const emptied = change?.action === 'update' && (change.before?.scope.length ?? 0) > 0;
  const who = nameOf(grant);
  return warning(
    'empty-scope-grant',
    grant,
    emptied
      ? `this plan removes the last scopes of ${who} on \`${grant.audience}\`, but the grant stays: it can still get access tokens for the API`
      : `${who} holds a grant on \`${grant.audience}\` with an empty scope list: it can still get access tokens for the API`,
    'Delete the grant from the YAML to take the access away; keep `scope: []` only if the API should accept its tokens without scopes.',
  );
}

const sameKey = (a: { client_id: string; audience: string; subject_type: string }, b: { client_id: string; audience: string; subject_type: string }): boolean =>
  a.client_id === b.client_id && a.audience === b.audience && a.subject_type === b.subject_type;

/**
 * Scopes an API defines that no grant holds after the apply (info): on each managed custom API that the
 * YAML grants on, at the first such grant. A grant with `allow_all_scopes` holds them all.
 */
function unheldScopes(input: LintInput, firstOn: ReadonlyMap<string, DesiredGrant>): Problem[] {
  const held = scopesHeldAfterApply(input.live, input.changes);
  const problems: Problem[] = [];
  for (const api of input.resourceServers) {
    if (api.is_system || api.scopes.length === 0 || !isManaged(api.identifier, input.ownership)) continue;
    const first = firstOn.get(api.identifier);
    if (first === undefined) continue;
    const holds = held.get(api.identifier);
    if (holds === 'all') continue;
    const unheld = api.scopes.filter((s) => !holds?.has(s));
    if (unheld.length === 0) continue;
    problems.push({
      severity: 'info',
      rule: 'unheld-scopes',
      ...(first.source ? { location: first.source } : {}),
      message: `no grant holds ${unheld.length === 1 ? 'scope' : 'scopes'} ${unheld.map((s) => `\`${s}\``).join(', ')} of \`${api.identifier}\``,
      hint: 'Nothing to do if they are kept on purpose; otherwise remove them from the API (APIs → Permissions) or grant them.',
    });
  }
  return problems;
}

function isManaged(audience: string, ownership: Pick<Ownership, 'manage'>): boolean {
  return ownership.manage === 'all' || ownership.manage.audiences.includes(audience);
}

/** Per audience, the desired grant that comes first in the files (one pass: 10,000 grants, many APIs). */
function firstGrantPerAudience(desired: readonly DesiredGrant[]): Map<string, DesiredGrant> {
  const first = new Map<string, DesiredGrant>();
  for (const grant of desired) {
    const seen = first.get(grant.audience);
    if (seen === undefined || comparePlaces(grant.source, seen.source) < 0) first.set(grant.audience, grant);
  }
  return first;
}

/** Per audience, the scopes some grant holds after the apply (`all` when one has allow_all_scopes). */
function scopesHeldAfterApply(live: readonly LiveGrant[], changes: readonly Change[]): Map<string, Set<string> | 'all'> {
  const keyOf = (g: { client_id?: string; default_for?: string; audience: string; subject_type?: string }): string =>
    [g.client_id ?? '', g.default_for ?? '', g.audience, g.subject_type ?? 'client'].join('\u0000');
  const held = new Map<string, Set<string> | 'all'>();
  const hold = (grant: { audience: string; all: boolean; scopes: readonly string[] }): void => {
    const current = held.get(grant.audience);
    if (current === 'all' || grant.all) held.set(grant.audience, 'all');
    else if (current === undefined) held.set(grant.audience, new Set(grant.scopes));
    else for (const scope of grant.scopes) current.add(scope);
  };
  // Only grants on an API a change touches need their key (a change may remove or replace them); the
  // others hold their scopes as read. A plan with nothing to do keys none of them. (Auth0 never lists
  // two grants with one identity; were it to, each would count here, and the last one listed on a
  // touched API.)
  const touched = new Set(changes.map((c) => c.audience));
  const grants = new Map<string, { audience: string; all: boolean; scopes: readonly string[] }>();
  for (const g of live) {
    const grant = { audience: g.audience, all: g.allow_all_scopes === true, scopes: g.scope ?? [] };
    if (touched.has(g.audience)) grants.set(keyOf(g), grant);
    else hold(grant);
  }
  for (const change of changes) {
    const key = change.default_for ? keyOf({ audience: change.audience, default_for: change.default_for }) : keyOf(change);
    if (change.action === 'replace' && change.replaces_subject_type) grants.delete(keyOf({ ...change, subject_type: change.replaces_subject_type }));
    if (change.after === null) grants.delete(key);
    else grants.set(key, { audience: change.audience, all: change.after.allow_all_scopes === true, scopes: change.after.scope });
  }
  for (const grant of grants.values()) hold(grant);
  return held;
}
