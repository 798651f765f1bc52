// The access review as reviewers see it: snapshots of text, markdown and JSON on a plan with every
// risk class, a removal under a 2-hour token lifetime, a least-privilege warning, a grant removed
// because it expired, a scope removed because it expired and one about to expire, and a size check
// on a 2,000-change plan.
import { describe, expect, it } from 'vitest';
import { diffGrants } from '../../src/diff/diff.js';
import { normalizeState } from '../../src/model/grant.js';
import type { DeclaredGrant, DesiredGrant, LiveGrant, Plan, SourceLocation } from '../../src/model/types.js';
import { applyExpiry, labelExpired } from '../../src/resolve/expiry.js';
import { buildPlan } from '../../src/plan/plan.js';
import { lintGrants } from '../../src/lint/least-privilege.js';
import { reviewAccess } from '../../src/review/access.js';
import { renderJson } from '../../src/render/json.js';
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from '../../src/render/markdown.js';
import { duration } from '../../src/render/review.js';
import { renderText } from '../../src/render/text.js';

const MAPI = 'https://acme.eu.auth0.com/api/v2/';
const PAY = 'https://api.example.com/payments';
const names = new Map([
  ['billing', 'billing-worker'],
  ['mailer', 'invoice-mailer'],
  ['deployer', 'ci-deployer'],
  ['partner', 'partner-portal'],
  ['old', 'old-exporter'],
  ['reseller', 'reseller-sync'],
]);
const organizationNames = new Map([
  ['org_acme', 'acme'],
  ['org_globex', 'globex'],
]);
const resourceServers = [
  { identifier: PAY, scopes: ['read:invoices', 'write:refunds', 'refund:override'], token_lifetime: 7200 },
  { identifier: MAPI, is_system: true, scopes: ['read:clients', 'create:client_grants'] },
];
const live: LiveGrant[] = [
  { id: 'g1', client_id: 'billing', audience: PAY, scope: ['read:invoices'] },
  { id: 'g2', client_id: 'old', audience: PAY, scope: ['read:invoices', 'write:refunds'] },
  { id: 'g3', client_id: 'deployer', audience: MAPI, scope: ['read:clients'] },
  { id: 'g4', client_id: 'partner', audience: PAY, scope: ['read:invoices', 'write:refunds'], organization_usage: 'allow' },
  { id: 'g5', client_id: 'reseller', audience: PAY, scope: ['read:invoices'], organization_usage: 'require', organizations: ['org_globex'] },
];
/** The partner portal is a single-page application: it cannot use a machine-to-machine grant. */
const clients = [...names].map(([client_id, name]) =>
  client_id === 'partner' ? { client_id, name, app_type: 'spa', grant_types: ['authorization_code'] } : { client_id, name, app_type: 'non_interactive', grant_types: ['client_credentials'] },
);
const want = (client_id: string, audience: string, state: Parameters<typeof normalizeState>[0]): DesiredGrant => ({
  client_id, audience, subject_type: 'client', client_name: names.get(client_id), state: normalizeState(state),
});

function reviewed(desired: DesiredGrant[], grants = live): Plan {
  const diff = diffGrants(desired, grants, { manage: 'all', excludedClientIds: [] });
  const plan = buildPlan({ tenant: 'acme.eu.auth0.com', diff, clientNames: names, systemAudiences: new Set([MAPI]), organizationNames });
  plan.review = reviewAccess({ changes: plan.changes, live: grants, clientNames: names, organizationNames, resourceServers, sensitiveScopes: { [PAY]: ['refund:override'] } });
  plan.lint = lintGrants({ desired, changes: plan.changes, live: grants, clients, resourceServers, ownership: { manage: 'all' } });
  return plan;
}

// What the files said on 2027-01-31: old-exporter's grant expired on 2027-01-20 and partner-portal's
// write:refunds today (so the desired state below leaves them out), billing-worker's refund:override
// expires in 4 days.
const at = (line: number, column: number): SourceLocation => ({ file: 'grants/payments.yaml', line, column });
const files: DeclaredGrant[] = [
  { client: 'old-exporter', audience: PAY, scope: ['read:invoices', 'write:refunds'], subject_type: 'client', expires: '2027-01-20', source: at(2, 5), fieldLocations: { expires: at(5, 14) } },
  {
    client: 'billing-worker', audience: PAY, scope: ['read:invoices', 'refund:override', 'write:refunds'], subject_type: 'client',
    scopeExpiries: { 'refund:override': '2027-02-04' }, source: at(6, 5), fieldLocations: { 'scope.1.expires': at(8, 52) },
  },
  {
    client: 'partner-portal', audience: PAY, scope: ['read:invoices', 'write:refunds'], subject_type: 'client',
    scopeExpiries: { 'write:refunds': '2027-01-31' }, source: at(9, 5), fieldLocations: { 'scope.1.expires': at(11, 50) },
  },
];
const expiry = () => applyExpiry(files, '2027-01-31');

function withExpiry(plan: Plan): Plan {
  const tenant = { clients: [...names].map(([client_id, name]) => ({ client_id, name })), resourceServers, grants: live };
  const { expired, expiring } = expiry();
  return { ...plan, changes: labelExpired(plan.changes, expired, tenant), expiring };
}

const everyRisk = () => withExpiry(reviewed([
  want('billing', PAY, { scope: ['read:invoices', 'refund:override', 'write:refunds'] }),
  want('deployer', MAPI, { scope: ['create:client_grants', 'read:clients'] }),
  want('mailer', PAY, { allow_all_scopes: true }),
  { ...want('partner', PAY, { scope: ['read:invoices'], organization_usage: 'allow', allow_any_organization: true }), source: { file: 'grants/payments.yaml', line: 12, column: 5 } },
  // A partner moved from one organization to another: globex's already-issued tokens still work for a while.
  want('reseller', PAY, { scope: ['read:invoices'], organization_usage: 'require', organizations: ['org_acme'] }),
  // A default grant: every third-party client, including ones registered later, gets write:refunds.
  { client_id: '', default_for: 'third_party_clients', audience: PAY, subject_type: 'client', state: normalizeState({ scope: ['read:invoices', 'write:refunds'] }) },
]));

describe('access review renderers', () => {
  it('text: risks first, then access, writers and when removals take effect', async () => {
    await expect(renderText(everyRisk(), { color: false })).toMatchFileSnapshot('../fixtures/render/review.txt');
    const text = renderText(everyRisk(), { color: false });
    expect(text.indexOf('Risks, most serious first:')).toBeLessThan(text.indexOf('https://api.example.com/payments\n'));
    expect(text).toContain('old-exporter → https://api.example.com/payments: the grant, until at most 2 h after apply');
    expect(text).toContain('  - delete  old-exporter (old)  (expired on 2027-01-20)');
    expect(text).toContain('        - write:refunds  (expired on 2027-01-31)');
    expect(text).toContain('  grants/payments.yaml:8: billing-worker → https://api.example.com/payments: refund:override expires in 4 days (2027-02-04)');
    expect(text).toContain('reseller-sync → https://api.example.com/payments: organization globex, until at most 2 h after apply');
    expect(text).toContain('reseller-sync can call https://api.example.com/payments with read:invoices, only for organizations acme (new), globex (removed)');
    expect(text).toContain('every third-party client (default grant) can call https://api.example.com/payments with read:invoices, write:refunds (new grant)');
    expect(text).toContain('write:refunds: every third-party client (default grant) (new), billing-worker (new)');
  });

  it('markdown: a CAUTION block with every class, folded access sections', async () => {
    const md = renderMarkdown(everyRisk());
    await expect(md).toMatchFileSnapshot('../fixtures/render/review.md');
    expect(md).toContain('> [!CAUTION]');
    for (const risk of ['self-escalation', 'privilege-increase', 'wildcard', 'fleet-wide', 'any-organization', 'sensitive']) expect(md).toContain(`\`${risk}\``);
    expect(md).toContain('<details><summary>Removed access ends at most 2 h after apply</summary>');
    expect(md).toContain('`old-exporter (old)` → `https://api.example.com/payments` (expired on 2027-01-20)');
    expect(md).toContain('> **1 entry expires within 14 days**');
    expect(md).toContain('`refund:override` expires in 4 days (2027-02-04)');
  });

  it('json: risks and access keys', async () => {
    await expect(renderJson(everyRisk())).toMatchFileSnapshot('../fixtures/render/review.json');
    const json = JSON.parse(renderJson(everyRisk())) as { risks: { class: string }[]; access: { fully_effective_after: number } };
    expect(json.risks.map((r) => r.class)).toEqual(['self-escalation', 'privilege-increase', 'wildcard', 'fleet-wide', 'any-organization', 'sensitive']);
    expect(json.access.fully_effective_after).toBe(7200);
    const keys = JSON.parse(renderJson(everyRisk())) as { changes: { client_id: string; expired?: unknown }[]; expiring: unknown[] };
    expect(keys.changes.find((c) => c.client_id === 'old')?.expired).toEqual([{ scope: null, expired_on: '2027-01-20' }]);
    expect(keys.expiring).toEqual([
      { file: 'grants/payments.yaml', line: 8, column: 52, client: 'billing-worker', audience: PAY, scope: 'refund:override', expires: '2027-02-04', days: 4 },
    ]);
    expect((JSON.parse(renderJson(everyRisk())) as { warnings: { rule: string; line: number }[] }).warnings.map((w) => [w.rule, w.line])).toEqual([['client-cannot-use-grant', 12]]);
  });

  it('a 2,000-change plan stays under the comment limit with its review', () => {
    const many: LiveGrant[] = Array.from({ length: 2000 }, (_, i) => ({ id: `g${i}`, client_id: `client${String(i).padStart(4, '0')}`, audience: PAY, scope: ['read:invoices'] }));
    const plan = reviewed([], many);
    expect(plan.changes).toHaveLength(2000);
    const md = renderMarkdown(plan, { maxLength: GITHUB_COMMENT_LIMIT, truncatedPointer: 'See the job summary.' });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toContain('Showing ');
  });

  it('durations read as a reviewer says them', () => {
    expect([30, 600, 7200, 86_400, 172_800, 259_200, 273_600].map(duration)).toEqual(['30 s', '10 min', '2 h', '24 h', '48 h', '3 d', '3 d 4 h']);
  });
});
