// Renderer snapshots (markdown for PR comments, text, JSON) for the plans reviewers see.
import { describe, expect, it } from 'vitest';
import { diffGrants } from '../../src/diff/diff.js';
import { normalizeState } from '../../src/model/grant.js';
import type { DesiredGrant, LiveGrant } from '../../src/model/types.js';
import { buildPlan } from '../../src/plan/plan.js';
import { renderJson } from '../../src/render/json.js';
import { GITHUB_COMMENT_LIMIT, renderMarkdown, renderProblemsMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';

const MAPI = 'https://acme.eu.auth0.com/api/v2/';
const PAY = 'https://api.example.com/payments';
const names = new Map([
  ['billing0000000000000000000000000', 'billing-worker'],
  ['mailer00000000000000000000000000', 'invoice-mailer'],
  ['deploy00000000000000000000000000', 'ci-deployer'],
  ['old00000000000000000000000000000', 'old-exporter'],
]);

function plan(live: LiveGrant[], desired: DesiredGrant[]) {
  const diff = diffGrants(desired, live, { manage: 'all', excludedClientIds: [], ownClientId: 'self' });
  return buildPlan({ tenant: 'acme.eu.auth0.com', diff, clientNames: names, systemAudiences: new Set([MAPI]) });
}
const want = (client_id: string, audience: string, scope: string[], extra: Partial<DesiredGrant> = {}): DesiredGrant => ({
  client_id, audience, subject_type: 'client', client_name: names.get(client_id), state: normalizeState({ scope }), ...extra,
});

const live: LiveGrant[] = [
  { id: 'cgr_0000000000000001', client_id: 'billing0000000000000000000000000', audience: PAY, scope: ['read:invoices', 'write:invoices'], subject_type: 'client' },
  { id: 'cgr_0000000000000002', client_id: 'old00000000000000000000000000000', audience: PAY, scope: ['read:invoices'], subject_type: 'client' },
  { id: 'cgr_0000000000000003', client_id: 'mailer00000000000000000000000000', audience: PAY, scope: ['read:invoices'], subject_type: 'client' },
  { id: 'cgr_0000000000000004', client_id: 'self', audience: MAPI, scope: ['read:client_grants'], subject_type: 'client' },
  { id: 'cgr_0000000000000005', client_id: 'sys', audience: MAPI, scope: ['read:users'], is_system: true, subject_type: 'client' },
];
const mixed = () => plan(live, [
  want('billing0000000000000000000000000', PAY, ['read:invoices', 'write:refunds']),
  want('mailer00000000000000000000000000', PAY, ['read:invoices']),
  want('mailer00000000000000000000000000', 'https://api.example.com/notifications', ['send:email']),
]);
const privileged = () => plan(live, [
  ...live.slice(0, 3).map((g) => want(g.client_id!, g.audience, g.scope!)),
  want('deploy00000000000000000000000000', MAPI, ['read:clients', 'create:client_grants']),
]);
const none = () => plan(live, live.slice(0, 3).map((g) => want(g.client_id!, g.audience, g.scope!)));

describe('markdown', () => {
  it('no changes', async () => {
    await expect(renderMarkdown(none())).toMatchFileSnapshot('../fixtures/render/no-changes.md');
  });
  it('mixed changes', async () => {
    await expect(renderMarkdown(mixed())).toMatchFileSnapshot('../fixtures/render/mixed().md');
  });
  it('a privilege increase, listed first and flagged', async () => {
    const md = renderMarkdown(privileged());
    expect(md.indexOf('Privilege increases')).toBeLessThan(md.indexOf('create `ci-deployer'));
    await expect(md).toMatchFileSnapshot('../fixtures/render/privilege-increase.md');
  });
  it('a huge plan is cut under the GitHub comment limit, with a pointer to the job summary', async () => {
    const many: DesiredGrant[] = Array.from({ length: 3000 }, (_, i) => want(`client${String(i).padStart(26, '0')}`, PAY, ['read:invoices', 'write:invoices', `custom:scope-${i}`]));
    const huge = plan([], many);
    const md = renderMarkdown(huge, { maxLength: GITHUB_COMMENT_LIMIT - 100, truncatedPointer: 'The whole plan is in the job summary of this run.' });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT - 100);
    expect(md).toMatch(/Showing \d+ of 3000 changes\. The whole plan is in the job summary of this run\./);
    expect(md.endsWith('</details>\n')).toBe(true);
    await expect(md.slice(-600)).toMatchFileSnapshot('../fixtures/render/huge-tail.md');
  });
  it('validation errors', async () => {
    const md = renderProblemsMarkdown(
      [
        { location: { file: 'grants/a.yaml', line: 4, column: 12 }, message: '`grants[0].scope` must be a list, but it is the text "read"', hint: 'Write the scopes as a list.' },
        { message: 'grants/grantsync.yaml is missing', hint: 'Create it.' },
      ],
      'acme.eu.auth0.com',
    );
    await expect(md).toMatchFileSnapshot('../fixtures/render/validation-errors.md');
  });
});

describe('text and json', () => {
  it('text without colour', async () => {
    await expect(renderText(mixed(), { color: false })).toMatchFileSnapshot('../fixtures/render/mixed().txt');
  });
  it('text with colour only when asked', () => {
    expect(renderText(mixed(), { color: false })).not.toContain('\u001b[');
    expect(renderText(mixed(), { color: true })).toContain('\u001b[');
  });
  it('json', async () => {
    await expect(renderJson(privileged())).toMatchFileSnapshot('../fixtures/render/privilege-increase.json');
    expect(JSON.parse(renderJson(privileged())).changes[0].flags).toEqual(['privilege-increase', 'self-escalation']);
  });
});
