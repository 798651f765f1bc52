// The diagram's source line by line on hand-made changes (no Mermaid parser: quick, for mutation
// testing): order, edge labels of every kind, shared names, truncation, labels as entities, how it
// shrinks to fit, and the folded section's wording.
import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/model/types.js';
import { diagramOrder, diagramSection, mermaidLabel, renderDiagram } from '../../src/render/diagram.js';

const API = 'https://api';
function change(action: Change['action'], client_id: string, extra: Partial<Change> = {}): Change {
  return {
    action, client_id, audience: API, subject_type: 'client', flags: [],
    before: action === 'create' ? null : { scope: ['a'] },
    after: action === 'delete' ? null : { scope: ['a', 'b'] },
    ...extra,
  };
}
/** Mermaid entities back to characters. */
const decode = (text: string) => text.replace(/#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)));
/** The edge lines of a diagram, labels decoded. */
const edges = (changes: Change[]) => decode(renderDiagram(changes)!.source).split('\n').filter((l) => l.includes('|"')).map((l) => l.trim());

describe('order', () => {
  it('risk flags, then removals, then the rest, each in plan order', () => {
    const changes = [
      change('create', 'c1'), change('update', 'c2'), change('delete', 'd1'), change('create', 'c3'),
      change('update', 'f1', { flags: ['wildcard'] }), change('replace', 'd2', { replaces_subject_type: 'user' }), change('create', 'c4'), change('update', 'f2', { flags: ['fleet-wide'] }),
    ];
    expect(diagramOrder(changes).map((c) => c.client_id)).toEqual(['f1', 'f2', 'd1', 'd2', 'c1', 'c2', 'c3', 'c4']);
  });
});

describe('edges', () => {
  it.each<[string, Change, string]>([
    ['create', change('create', 'x', { after: { scope: ['s'] } }), 'c0 ==>|"+s"| a0'],
    ['update', change('update', 'x', { before: { scope: ['a'] }, after: { scope: ['b'] } }), 'c0 -->|"−a +b"| a0'],
    ['delete', change('delete', 'x'), 'c0 -.->|"−a"| a0'],
    ['replace', change('replace', 'x', { subject_type: 'user', replaces_subject_type: 'client', before: { scope: ['a'] }, after: { scope: ['a'] } }), 'c0 -->|"replace client → user"| a0'],
    ['replace of unknown type', change('replace', 'x', { before: { scope: ['a'] }, after: { scope: ['a'] } }), 'c0 -->|"replace ? → client"| a0'],
    ['a user grant', change('create', 'x', { subject_type: 'user', after: { scope: ['s'] } }), 'c0 ==>|"[user] +s"| a0'],
    ['flags', change('update', 'x', { flags: ['privilege-increase', 'self-escalation'], before: { scope: [] }, after: { scope: ['s'] } }), 'c0 -->|"⚠ privilege-increase, self-escalation: +s"| a0'],
    ['a create without scopes', change('create', 'x', { after: { scope: [] } }), 'c0 ==>|"(no scopes)"| a0'],
    ['an update of fields only', change('update', 'x', { before: { scope: [] }, after: { scope: [], allow_any_organization: true } }), 'c0 -->|"allow_any_organization: false → true"| a0'],
    ['an update of nothing drawable', change('update', 'x', { before: { scope: [] }, after: { scope: [], organizations: ['o'] } }), 'c0 -->|"update"| a0'],
    ['seven scopes: six and how many more', change('create', 'x', { after: { scope: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] } }), 'c0 ==>|"+a +b +c +d +e +f (1 more)"| a0'],
    ['six scopes: all', change('create', 'x', { after: { scope: ['a', 'b', 'c', 'd', 'e', 'f'] } }), 'c0 ==>|"+a +b +c +d +e +f"| a0'],
    ['a long scope, cut at 40 characters', change('create', 'x', { after: { scope: ['s'.repeat(41), 't'.repeat(40)] } }), `c0 ==>|"+${'s'.repeat(39)}… +${'t'.repeat(40)}"| a0`],
  ])('%s', (_name, c, edge) => {
    expect(edges([c])).toEqual([edge]);
  });

  it('styles: risk red, create green, delete and replace their own, update none', () => {
    const source = renderDiagram([
      change('update', 'r', { flags: ['wildcard'] }), change('delete', 'd'), change('replace', 'p', { replaces_subject_type: 'user' }),
      change('create', 'c1'), change('update', 'u'), change('create', 'c2'),
    ])!.source;
    expect(source.split('\n').filter((l) => l.includes('linkStyle'))).toEqual([
      '  linkStyle 0 stroke:#cf222e,stroke-width:4px',
      '  linkStyle 1 stroke:#6e7781,stroke-width:2px,stroke-dasharray:5 5',
      '  linkStyle 2 stroke:#8250df,stroke-width:2px',
      '  linkStyle 3,5 stroke:#1a7f37,stroke-width:3px',
    ]);
  });
});

describe('nodes', () => {
  it('one node per client and per API; names, ids where a name is shared or missing', () => {
    const source = renderDiagram([
      change('create', 'id-1', { client_name: 'twin' }), change('create', 'id-2', { client_name: 'twin', audience: 'https://other' }),
      change('create', 'id-3'), change('update', 'id-1', { client_name: 'twin', audience: 'https://other' }), change('create', 'id-4', { client_name: 'x'.repeat(70) }),
    ])!.source;
    const nodes = source.split('\n').filter((l) => /^ {4}[ca]\d+\[/.test(l)).map((l) => decode(l.trim()));
    expect(nodes).toEqual(['c0["twin (id-1)"]', 'c1["twin (id-2)"]', 'c2["id-3"]', `c3["${'x'.repeat(59)}…"]`, 'a0["https://api"]', 'a1["https://other"]']);
    const long = renderDiagram([change('create', 'i1', { client_name: 'y'.repeat(30) }), change('create', 'i2', { client_name: 'y'.repeat(30) })])!.source;
    // A shared name is cut to 24 characters, to leave room for the id.
    expect(decode(long)).toContain(`c0["${'y'.repeat(23)}… (i1)"]`);
    expect(decode(renderDiagram([change('create', 'i1', { client_name: 'y'.repeat(24) }), change('create', 'i2', { client_name: 'y'.repeat(24) })])!.source)).toContain(`c0["${'y'.repeat(24)} (i1)"]`);
  });

  it.each([
    ['', '#34;#34;'],
    ['Az09_./-', 'Az09_./-'],
    ['a b', 'a#32;b'],
    ['"]', '#34;#93;'],
    ['a:b', 'a#58;b'],
    ['\u0007', '#92;u#123;7#125;'],
    ['😀', '#128512;'],
  ])('mermaidLabel(%j)', (value, label) => {
    expect(mermaidLabel(value)).toBe(label);
  });
  it('mermaidLabel cuts at max characters, not code units', () => {
    expect(mermaidLabel('😀😀😀', 2)).toBe('#128512;#8230;');
    expect(mermaidLabel('abc', 3)).toBe('abc');
  });
});

describe('fitting', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => change('create', `client-${i}`));

  it('draws at most maxEdges, and fewer until the source fits', () => {
    expect(renderDiagram(many(12), { maxEdges: 10 })).toMatchObject({ drawn: 10, left: 2 });
    const full = renderDiagram(many(12))!;
    expect(full).toMatchObject({ drawn: 12, left: 0 });
    expect(renderDiagram(many(12), { maxChars: full.source.length })).toMatchObject({ drawn: 12 });
    // Above 8 edges the count shrinks by a fifth at a time (12 → 9 → 7), then one at a time (7 → 6).
    const nine = renderDiagram(many(9))!.source.length;
    const seven = renderDiagram(many(7))!.source.length;
    expect(renderDiagram(many(12), { maxChars: full.source.length - 1 })).toMatchObject({ drawn: 9, left: 3 });
    expect(renderDiagram(many(12), { maxChars: nine - 1 })).toMatchObject({ drawn: 7, left: 5 });
    expect(renderDiagram(many(12), { maxChars: seven - 1 })).toMatchObject({ drawn: 6 });
    expect(renderDiagram(many(12), { maxChars: 10 })).toBeUndefined();
    expect(renderDiagram([])).toBeUndefined();
  });

  it('the section: wording, singular and plural, and nothing when nothing fits', () => {
    expect(diagramSection([])).toEqual([]);
    const one = diagramSection(many(1));
    expect(one[0]).toBe('<details><summary>Diagram of the 1 change</summary>');
    expect(one.slice(1, 3)).toEqual(['', '```mermaid']);
    expect(one.at(-3)).toBe('');
    expect(one.slice(-2)).toEqual(['</details>', '']);
    expect(one.join('\n')).not.toContain('not drawn');
    const cut = diagramSection(many(42));
    expect(cut[0]).toBe('<details><summary>Diagram of the 40 changes</summary>');
    expect(cut).toContain('2 more changes are not drawn (flagged changes and removals are drawn first); the list of changes names them.');
    expect(diagramSection(many(41))).toContain('1 more change is not drawn (flagged changes and removals are drawn first); the list of changes names them.');
    // The diagram gets maxChars less 400 for the wording around it.
    expect(diagramSection(many(3), 400 + renderDiagram(many(3))!.source.length)[0]).toBe('<details><summary>Diagram of the 3 changes</summary>');
    expect(diagramSection(many(3), 399 + renderDiagram(many(1))!.source.length)).toEqual([]);
  });
});
