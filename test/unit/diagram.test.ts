// The plan's Mermaid diagram: snapshots, and every diagram read back with Mermaid's own parser, so a
// diagram GitHub cannot draw fails the suite.
import { describe, expect, it } from 'vitest';
import { diffGrants } from '../../src/diff/diff.js';
import { normalizeState } from '../../src/model/grant.js';
import type { Change, DesiredGrant, LiveGrant } from '../../src/model/types.js';
import { buildPlan } from '../../src/plan/plan.js';
import { diagramSection, MAX_DIAGRAM_EDGES, renderDiagram } from '../../src/render/diagram.js';
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from '../../src/render/markdown.js';
import { parseFlowchart } from '../helpers/mermaid.js';

const MAPI = 'https://acme.eu.auth0.com/api/v2/';
const PAY = 'https://api.example.com/payments';
const MAIL = 'https://api.example.com/notifications';
const names = new Map([
  ['billing0000000000000000000000000', 'billing-worker'],
  ['mailer00000000000000000000000000', 'invoice-mailer'],
  ['deploy00000000000000000000000000', 'ci-deployer'],
  ['old00000000000000000000000000000', 'old-exporter'],
  ['portal00000000000000000000000000', 'customer-portal'],
]);
const want = (client_id: string, audience: string, scope: string[], extra: Partial<DesiredGrant> = {}): DesiredGrant => ({
  client_id, audience, subject_type: 'client', client_name: names.get(client_id), state: normalizeState({ scope }), ...extra,
});
const grant = (id: number, client_id: string, audience: string, scope: string[], extra: Partial<LiveGrant> = {}): LiveGrant => ({
  id: `cgr_${String(id).padStart(16, '0')}`, client_id, audience, scope, subject_type: 'client', ...extra,
});

function plan(live: LiveGrant[], desired: DesiredGrant[]) {
  const diff = diffGrants(desired, live, { manage: 'all', excludedClientIds: [], ownClientId: 'self' });
  return buildPlan({ tenant: 'acme.eu.auth0.com', diff, clientNames: names, systemAudiences: new Set([MAPI]) });
}

const live = [
  grant(1, 'billing0000000000000000000000000', PAY, ['read:invoices', 'write:invoices']),
  grant(2, 'old00000000000000000000000000000', PAY, ['read:invoices']),
  grant(3, 'mailer00000000000000000000000000', PAY, ['read:invoices']),
  grant(4, 'portal00000000000000000000000000', PAY, ['read:invoices']),
  grant(5, 'deploy00000000000000000000000000', MAPI, ['read:clients']),
];
/** Every kind of edge: create, update, delete, replace, a user grant, an organization change, two risk flags. */
const everything = () => plan(live, [
  want('billing0000000000000000000000000', PAY, ['read:invoices', 'write:refunds']),
  want('mailer00000000000000000000000000', PAY, ['read:invoices'], { state: normalizeState({ scope: ['read:invoices'], organization_usage: 'allow' }) }),
  want('mailer00000000000000000000000000', MAIL, ['send:email']),
  want('portal00000000000000000000000000', PAY, ['read:invoices'], { subject_type: 'user' }),
  want('deploy00000000000000000000000000', MAPI, ['read:clients', 'create:client_grants']),
]);

function mermaidBlock(markdown: string): string {
  const match = /```mermaid\n([\s\S]*?)\n```/.exec(markdown);
  if (!match) throw new Error('no mermaid block');
  return match[1]!;
}

describe('the plan diagram', () => {
  it('draws one edge per change, clients left and APIs right, styled by kind', async () => {
    const diagram = renderDiagram(everything().changes)!;
    await expect(diagram.source).toMatchFileSnapshot('../fixtures/render/diagram.mmd');
    const parsed = await parseFlowchart(diagram.source);
    expect(parsed.type).toBe('flowchart-v2');
    expect(parsed.edges).toHaveLength(everything().changes.length);
    const clients = parsed.subgraphs.find((s) => s.id === 'clients')!;
    const apis = parsed.subgraphs.find((s) => s.id === 'apis')!;
    expect(new Set(parsed.vertices.filter((v) => clients.nodes.includes(v.id)).map((v) => v.text))).toEqual(
      new Set(['billing-worker', 'invoice-mailer', 'old-exporter', 'customer-portal', 'ci-deployer']),
    );
    expect(new Set(parsed.vertices.filter((v) => apis.nodes.includes(v.id)).map((v) => v.text))).toEqual(new Set([PAY, MAIL, MAPI]));
    const edge = (client: string) => parsed.edges.find((e) => parsed.vertices.find((v) => v.id === e.start)!.text === client)!;
    // The risk-flagged change is drawn first and red; a new grant is thick, a removed one dotted.
    expect(parsed.edges[0]!.text).toBe('⚠ privilege-increase, self-escalation: +create:client_grants');
    expect(parsed.edges[0]!.style.join(';')).toContain('stroke:#cf222e');
    expect(edge('old-exporter')).toMatchObject({ stroke: 'dotted', text: '−read:invoices' });
    expect(edge('billing-worker')).toMatchObject({ stroke: 'normal', text: '−write:invoices +write:refunds' });
    expect(parsed.edges.find((e) => e.text === '+send:email')!.stroke).toBe('thick');
    expect(edge('customer-portal').text).toBe('replace client → user');
    expect(parsed.edges.find((e) => e.text.includes('organization_usage'))!.text).toBe('organization_usage: deny → allow');
  });

  it('only changes are drawn: unchanged grants and an empty plan draw nothing', async () => {
    const none = plan(live, live.map((g) => want(g.client_id!, g.audience, g.scope!)));
    expect(renderDiagram(none.changes)).toBeUndefined();
    expect(renderMarkdown(none)).not.toContain('mermaid');
    const one = plan(live, [...live.slice(1).map((g) => want(g.client_id!, g.audience, g.scope!)), want('billing0000000000000000000000000', PAY, ['read:invoices'])]);
    const parsed = await parseFlowchart(renderDiagram(one.changes)!.source);
    expect(parsed.vertices.map((v) => v.text)).toEqual(['billing-worker', PAY]);
  });

  it(`above ${MAX_DIAGRAM_EDGES} edges it draws the flagged ones first and says how many were left out`, async () => {
    const desired = Array.from({ length: 45 }, (_, i) => want(`client${String(i).padStart(26, '0')}`, PAY, ['read:invoices']));
    desired.push(want('deploy00000000000000000000000000', MAPI, ['read:clients', 'update:clients']));
    const big = plan(live, desired);
    const section = diagramSection(big.changes).join('\n');
    const parsed = await parseFlowchart(mermaidBlock(section));
    expect(parsed.edges).toHaveLength(MAX_DIAGRAM_EDGES);
    expect(parsed.edges[0]!.text).toMatch(/^⚠ privilege-increase, self-escalation:/);
    const left = big.changes.length - MAX_DIAGRAM_EDGES;
    expect(section).toContain(`<summary>Diagram of the ${MAX_DIAGRAM_EDGES} changes</summary>`);
    expect(section).toContain(`${left} more changes are not drawn`);
  });

  it('sits folded under the verdict, and fits the comment budget with the changes', async () => {
    const md = renderMarkdown(everything());
    await expect(md).toMatchFileSnapshot('../fixtures/render/diagram.md');
    expect(md.indexOf('<summary>Diagram')).toBeGreaterThan(md.indexOf('**Plan:'));
    expect(md.indexOf('<summary>Diagram')).toBeLessThan(md.indexOf('#### '));
    await parseFlowchart(mermaidBlock(md));
    // Long names and many scopes: the diagram shrinks to a quarter of the comment, never more.
    const long = 'x'.repeat(300);
    const heavy: Change[] = Array.from({ length: 40 }, (_, i) => ({
      action: 'create', client_id: `id${i}`, client_name: `${long}${i}`, audience: `https://${long}/${i}`, subject_type: 'client',
      before: null, after: { scope: Array.from({ length: 20 }, (_, j) => `scope:${'<'.repeat(60)}${j}`) }, flags: [],
    }));
    const section = diagramSection(heavy, GITHUB_COMMENT_LIMIT / 4).join('\n');
    expect(section.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT / 4);
    const parsed = await parseFlowchart(mermaidBlock(section));
    expect(parsed.edges.length).toBeGreaterThan(0);
    expect(section).toContain(`${40 - parsed.edges.length} more changes are not drawn`);
  });
});
