// A client name, API or scope from a tenant or a file is drawn in the Mermaid diagram, never parsed as
// Mermaid: whatever it holds, the diagram parses, has exactly one node per client and API and one edge
// per change, and each label reads back as the value itself (no label escapes its node).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/model/types.js';
import { renderDiagram } from '../../src/render/diagram.js';
import { visible } from '../../src/util/escape.js';
import { HOSTILE_NAMES } from '../helpers/hostile.js';
import { parseFlowchart } from '../helpers/mermaid.js';

/** Pieces of Mermaid, HTML and markdown syntax a name could try to smuggle in. */
const MERMAID_SYNTAX = [
  '"', "'", '[', ']', '(', ')', '{', '}', '|', '>', '<', '&', '#', ';', ':', '%%', '`', '\\', '\n', '\r', ' ', '\t',
  '-->', '==>', '-.->', '---', 'end', 'subgraph x', 'style c0 fill:#f00;', 'linkStyle 0 stroke:red', 'classDef x fill:red',
  'click c0 "javascript:alert(1)"', 'click a0 call alert()', '%%{init: {"securityLevel": "loose"}}%%', '#quot;', '#35;', '&quot;',
  '<img src=x onerror=alert(1)>', '<br>', '</details>', '"`**md**`"', 'ﬂ°°35¶ß', '\u202e', '\u0000', '🚀', 'A --> B', 'c0["x"]', 'a1',
];

const piece = fc.oneof(fc.constantFrom(...MERMAID_SYNTAX), fc.string({ maxLength: 6, unit: 'binary' }));
const hostile = fc.array(piece, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));

/** What the label of a value must read as: shown visibly (control characters as \u{..}), cut at `max`. */
function expected(value: string, max: number): string {
  if (value === '') return '""';
  const chars = [...visible(value)];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

function change(i: number, name: string, audience: string, scopes: string[], action: Change['action']): Change {
  const state = { scope: [...new Set(scopes)].sort() };
  return {
    action, client_id: `id${i}`, client_name: name, audience, subject_type: 'client',
    before: action === 'create' ? null : { scope: [] }, after: action === 'delete' ? null : state, flags: i % 3 === 0 ? ['privilege-increase'] : [],
    ...(action === 'delete' ? { before: state } : {}),
  };
}

async function checkDiagram(changes: Change[]): Promise<void> {
  const diagram = renderDiagram(changes, { maxChars: Infinity })!;
  const parsed = await parseFlowchart(diagram.source);
  const clientIds = [...new Set(changes.map((c) => c.client_id))];
  const audiences = [...new Set(changes.map((c) => c.audience))];
  // Exactly the generated nodes, in their subgraphs: nothing a label said became a node, edge or class.
  expect(parsed.vertices.map((v) => v.id).sort()).toEqual([...clientIds.map((_, i) => `c${i}`), ...audiences.map((_, i) => `a${i}`)].sort());
  expect(parsed.subgraphs.map((s) => [s.id, s.title, s.nodes.length])).toEqual([['clients', 'Clients', clientIds.length], ['apis', 'APIs', audiences.length]]);
  expect(parsed.classes.filter((c) => c !== 'default')).toEqual([]);
  expect(parsed.vertices.every((v) => v.classes.length === 0 && v.styles.length === 0)).toBe(true);
  expect(parsed.edges).toHaveLength(changes.length);
  const textOf = new Map(parsed.vertices.map((v) => [v.id, v.text]));
  changes.forEach((c, i) => {
    const edge = parsed.edges[i]!;
    const names = new Set(changes.filter((o) => o.client_name === c.client_name).map((o) => o.client_id));
    if (names.size === 1) expect(textOf.get(edge.start)).toBe(expected(c.client_name!, 60));
    expect(textOf.get(edge.end)).toBe(expected(c.audience, 60));
    for (const scope of c.after?.scope ?? c.before?.scope ?? []) {
      if ([...scope].length <= 40 && (c.after?.scope.length ?? 0) <= 6) expect(edge.text).toContain(visible(scope));
    }
  });
}

describe('the Mermaid diagram with hostile names', () => {
  it.each(HOSTILE_NAMES.map((name) => [name]))('a client, API and scope named %j are drawn as themselves', async (name) => {
    await checkDiagram([change(0, name, name, [name], 'update'), change(1, `${name}2`, 'https://api', [name], 'delete')]);
  });

  it('every diagram parses and no label escapes its node (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(hostile, { minLength: 1, maxLength: 5 }),
        fc.array(hostile, { minLength: 1, maxLength: 3 }),
        fc.array(hostile, { maxLength: 4 }),
        async (names, audiences, scopes) => {
          const actions: Change['action'][] = ['create', 'update', 'delete'];
          // Edges are drawn risk-flagged first: give the flagged ones the first places, as the diagram does.
          const changes = names
            .map((name, i) => change(i, name, audiences[i % audiences.length]!, scopes, actions[i % 3]!))
            .sort((a, b) => (b.flags.length - a.flags.length) || (a.action === 'delete' ? -1 : 0) - (b.action === 'delete' ? -1 : 0));
          await checkDiagram(changes);
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});
