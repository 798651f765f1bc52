// The access review of a plan as text and markdown: risk classes first, then what each touched client
// can do after the apply, who can write to each touched API, and when removed access really ends. Pure.
import type { AccessReview, ApiAccess, Holder, Revocation, Risk, ScopeStatus } from '../model/review.js';
import { codeSpan, markdownText, visible } from '../util/escape.js';

/** Lists longer than this are cut with "and N more": a review is read, not scrolled. */
const MAX_ROWS = 50;

const RISK_WORDS: Record<Risk['class'], string> = {
  'self-escalation': 'can grant itself more access',
  'privilege-increase': 'gains Management API scopes',
  wildcard: 'gets every scope of the API, including scopes added later',
  'fleet-wide': 'reaches every third-party client, including ones created later',
  'any-organization': 'applies to any Organization',
  sensitive: 'gains scopes marked sensitive',
};

/** "2 h", "30 min", "1 d 2 h": a token lifetime as a reviewer reads it. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  // Rounded first: 59 min 59 s reads "1 h", not "60 min".
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  if (seconds <= 2 * 86_400) return `${Math.round(seconds / 3600)} h`;
  // Rounded to the hour first: 2 d 23 h 59 min 59 s reads "3 d", not "2 d 24 h".
  const totalHours = Math.round(seconds / 3600);
  const days = Math.floor(totalHours / 24);
  const hours = totalHours % 24;
  return hours === 0 ? `${days} d` : `${days} d ${hours} h`;
}

/** A client by name (else id); a default grant by whom it reaches. */
const name = (x: Holder): string => {
  if (x.default_for === undefined) return x.client_name ?? x.client_id;
  return x.default_for === 'third_party_clients' ? 'every third-party client (default grant)' : `default grant for ${x.default_for}`;
};

/**
 * The review as the JSON plan and `grantsync access --format json` give it: a default grant has
 * `client_id: null` and `default_for`, as in the plan's changes.
 */
export function reviewJson(review: Pick<AccessReview, 'risks' | 'clients' | 'apis' | 'revocations'>): Pick<AccessReview, 'risks' | 'clients' | 'apis' | 'revocations'> {
  const holder = <T extends Holder>(h: T): T => (h.default_for === undefined ? h : { ...h, client_id: null as unknown as string });
  return {
    risks: review.risks.map(holder),
    clients: review.clients.map(holder),
    apis: review.apis.map((api) => ({ ...api, scopes: api.scopes.map((s) => ({ ...s, holders: s.holders.map(holder) })) })),
    revocations: review.revocations.map(holder),
  };
}

function capped<T>(rows: readonly T[], render: (row: T) => string[]): string[] {
  const lines = rows.slice(0, MAX_ROWS).flatMap(render);
  if (rows.length > MAX_ROWS) lines.push(`… and ${rows.length - MAX_ROWS} more`);
  return lines;
}

/** Each scope shown by `show`, which marks added and removed ones. */
function scopeList(api: ApiAccess, show: (scope: string, status: 'kept' | 'added' | 'removed') => string): string {
  if (api.all_scopes) return 'every scope';
  const parts = api.scopes.map((s) => show(s.scope, s.status));
  return parts.length ? parts.join(', ') : 'no scopes';
}

/**
 * ", only for organizations acme (new), globex (removed)": which Organizations a grant can be used
 * with. `allow_any_organization` makes the associations irrelevant, so then it says only that.
 */
function organizationList(api: ApiAccess, show: (name: string, status: ScopeStatus) => string): string {
  if (api.organization_usage === undefined) return '';
  const only = api.organization_usage === 'require';
  if (api.any_organization) return only ? ', only for an organization (any)' : ', also for any organization';
  const names = (api.organizations ?? []).map((o) => show(o.name, o.status));
  if (names.length === 0) return only ? ', only for organizations (none associated)' : '';
  return `, ${only ? 'only' : 'also'} for organizations ${names.join(', ')}`;
}

/** What a revocation takes away: the grant, scopes, organizations, or every scope. */
function revokedParts(r: Revocation, span: (text: string) => string): string {
  if (r.grant_removed) return 'the grant';
  const parts = [...(r.every_scope ? ['every scope'] : []), ...r.scopes.map(span), ...r.organizations.map((o) => `organization ${span(o)}`)];
  return parts.join(', ');
}

/** The risk classes, for the top of the text plan. */
export function risksText(review: AccessReview): string[] {
  const lines: string[] = [];
  if (review.risks.length > 0) {
    lines.push('Risks, most serious first:');
    lines.push(
      ...capped(review.risks, (r) => [
        `  ! ${r.class.padEnd(18)} ${visible(name(r))} → ${visible(r.audience)}: ${RISK_WORDS[r.class]}${r.scopes.length ? ` (${r.scopes.map(visible).join(', ')})` : ''}`,
      ]),
      '',
    );
  }
  return lines;
}

/** Effective access, writers and revocation timing, for under the changes of the text plan. */
export function accessText(review: AccessReview): string[] {
  const lines: string[] = [];
  if (review.clients.length > 0) {
    lines.push('Access after apply:');
    lines.push(
      ...capped(review.clients, (client) =>
        client.apis.map((api) => {
          const who = `${visible(name(client))}${api.subject_type === 'client' ? '' : ` (${api.subject_type})`}`;
          if (api.status === 'removed') return `  ${who} can no longer call ${visible(api.audience)}`;
          const show = (text: string, status: ScopeStatus): string => (status === 'kept' || api.status === 'added' ? visible(text) : `${visible(text)} (${status === 'added' ? 'new' : 'removed'})`);
          return `  ${who} can call ${visible(api.audience)} with ${scopeList(api, show)}${organizationList(api, show)}${api.status === 'added' ? ' (new grant)' : ''}`;
        }),
      ),
      '',
    );
  }
  const writers = review.apis.filter((a) => a.scopes.length > 0);
  if (writers.length > 0) {
    lines.push('Who can write, after apply:');
    lines.push(
      ...capped(writers, (api) =>
        api.scopes.map((s) => `  ${visible(api.audience)} ${visible(s.scope)}: ${s.holders.map((h) => `${visible(name(h))}${h.new ? ' (new)' : ''}`).join(', ')}`),
      ),
      '',
    );
  }
  if (review.revocations.length > 0 && review.fully_effective_after !== undefined) {
    lines.push(`Removed access: tokens already issued keep it until they expire, at most ${duration(review.fully_effective_after)} after apply:`);
    lines.push(
      ...capped(review.revocations, (r) => [
        `  ${visible(name(r))} → ${visible(r.audience)}: ${revokedParts(r, visible)}, until at most ${duration(r.token_lifetime)} after apply`,
      ]),
      '',
    );
  }
  return lines;
}

/** The CAUTION block at the top of the markdown plan. */
export function risksMarkdown(review: AccessReview): string[] {
  if (review.risks.length === 0) return [];
  const counts = new Map<string, number>();
  for (const r of review.risks) counts.set(r.class, (counts.get(r.class) ?? 0) + 1);
  const lines = ['> [!CAUTION]', `> **Review first:** ${[...counts].map(([c, n]) => `${n} ${codeSpan(c)}`).join(', ')}`, '>'];
  lines.push(
    ...capped(review.risks, (r) => [
      `> - ${codeSpan(r.class)} ${codeSpan(name(r))} → ${codeSpan(r.audience)}: ${RISK_WORDS[r.class]}${r.scopes.length ? ` (${r.scopes.map(codeSpan).join(', ')})` : ''}`,
    ]).map((l) => (l.startsWith('>') ? l : `> ${markdownText(l)}`)),
  );
  lines.push('');
  return lines;
}

/** The folded access sections under the changes. */
export function accessMarkdown(review: AccessReview): string {
  const sections: string[] = [];
  if (review.clients.length > 0) {
    const rows = capped(review.clients, (client) =>
      client.apis.map((api) => {
        const who = `${codeSpan(name(client))}${api.subject_type === 'client' ? '' : ` (${api.subject_type})`}`;
        if (api.status === 'removed') return `- ${who} can no longer call ${codeSpan(api.audience)}`;
        const show = (text: string, status: ScopeStatus): string =>
          status === 'kept' || api.status === 'added' ? codeSpan(text) : status === 'added' ? `**${codeSpan(text)} (new)**` : `~~${codeSpan(text)}~~`;
        return `- ${who} can call ${codeSpan(api.audience)} with ${scopeList(api, show)}${organizationList(api, show)}${api.status === 'added' ? ' (new grant)' : ''}`;
      }),
    );
    sections.push(`<details><summary>Access after apply (${review.clients.length} client${review.clients.length === 1 ? '' : 's'})</summary>\n\n${rows.map((r) => (r.startsWith('- ') ? r : `- ${markdownText(r)}`)).join('\n')}\n\n</details>`);
  }
  const writers = review.apis.filter((a) => a.scopes.length > 0);
  if (writers.length > 0) {
    const rows = capped(writers, (api) =>
      api.scopes.map((s) => `- ${codeSpan(api.audience)} ${codeSpan(s.scope)}: ${s.holders.map((h) => `${codeSpan(name(h))}${h.new ? ' **(new)**' : ''}`).join(', ')}`),
    );
    sections.push(`<details><summary>Who can write, after apply</summary>\n\n${rows.map((r) => (r.startsWith('- ') ? r : `- ${markdownText(r)}`)).join('\n')}\n\n</details>`);
  }
  if (review.revocations.length > 0 && review.fully_effective_after !== undefined) {
    const rows = capped(review.revocations, (r) => [
      `- ${codeSpan(name(r))} → ${codeSpan(r.audience)}: ${revokedParts(r, codeSpan)}, until at most ${duration(r.token_lifetime)} after apply`,
    ]);
    sections.push(
      `<details><summary>Removed access ends at most ${duration(review.fully_effective_after)} after apply</summary>\n\nTokens already issued keep their access until they expire (the API's token lifetime).\n\n${rows.map((r) => (r.startsWith('- ') ? r : `- ${markdownText(r)}`)).join('\n')}\n\n</details>`,
    );
  }
  return sections.join('\n\n');
}
