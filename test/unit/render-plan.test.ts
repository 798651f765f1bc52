// The text and markdown plans on hand-made plans, for what the snapshots do not show: refusals, the
// budget and variables notes, singular and plural, fields and organizations, empty creates, colour,
// the privilege-increase block, and where a long plan is cut.
import { describe, expect, it } from 'vitest';
import type { Change, Plan } from '../../src/model/types.js';
import { renderMarkdown, renderProblemsMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';

const PAY = 'https://api.example.com/payments';
const MAPI = 'https://acme.eu.auth0.com/api/v2/';

function change(action: Change['action'], extra: Partial<Change> = {}): Change {
  return {
    action, client_id: 'billing', audience: PAY, subject_type: 'client', flags: [],
    before: action === 'create' ? null : { scope: ['a', 'b'] },
    after: action === 'delete' ? null : { scope: ['a', 'b', 'c'] },
    ...extra,
  };
}
function plan(changes: Change[], extra: Partial<Plan> = {}): Plan {
  const count = (a: Change['action']) => changes.filter((c) => c.action === a).length;
  return {
    tenant: 'acme.eu.auth0.com', fingerprint: 'fp', digest: 'dg', changes, unmanagedByReason: {},
    summary: { create: count('create'), update: count('update'), delete: count('delete'), replace: count('replace'), unchanged: 4, unmanaged: 0 },
    ...extra,
  };
}
const notes: Partial<Plan> = {
  refusals: [{ rule: 'max-deletes', reason: 'the plan deletes 2 grants, more than max_deletes (1)', advice: 'Check the plan.' }],
  budget: { maxDeletes: 7, source: 'option' },
  varsFromEnvironment: ['HOST'],
};

describe('text', () => {
  const text = (p: Plan) => renderText(p, { color: false });

  it('notes under the verdict: variables, budget, refusals', () => {
    expect(text(plan([change('delete')], notes)).split('\n').slice(-5)).toEqual([
      'Change set dg.',
      'Variables from the environment: HOST (GRANTSYNC_VAR_HOST).',
      'Deletion budget for this apply: 7, from --max-deletes.',
      'Apply will refuse this plan: the plan deletes 2 grants, more than max_deletes (1). Check the plan.',
      '',
    ]);
  });

  it('no changes: no change set, no blank line before the verdict', () => {
    expect(text(plan([]))).toBe('grantsync plan for acme.eu.auth0.com\n\nNo changes. The tenant matches the YAML.\n4 unchanged, 0 unmanaged. Fingerprint fp.\n');
  });

  it('each change: symbol, flags, scopes, unchanged count, fields, organizations', () => {
    const lines = text(plan([
      change('update', { flags: ['privilege-increase', 'wildcard'], before: { scope: ['a'] }, after: { scope: ['a'], organization_usage: 'allow' }, organization_lines: [{ sign: '+', id: 'o1', name: 'acme' }, { sign: '-', id: 'o2', name: 'o2' }] }),
      change('update', { client_id: 'two', before: { scope: ['a', 'b'] }, after: { scope: ['a', 'b', 'c'] } }),
      change('create', { client_id: 'empty', after: { scope: [] } }),
      change('create', { client_id: 'all', after: { scope: [], allow_all_scopes: true } }),
      change('create', { client_id: 'rar', subject_type: 'user', after: { scope: [], authorization_details_types: ['pay'] } }),
      change('replace', { client_id: 'swap', subject_type: 'user', replaces_subject_type: 'client', audience: MAPI }),
    ])).split('\n');
    expect(lines.slice(2, 23)).toEqual([
      PAY,
      '  ~ update  billing  ! privilege-increase, wildcard',
      '        (1 scope unchanged)',
      '        ~ organization_usage: deny → allow',
      '        + org acme',
      '        - org o2',
      '  ~ update  two',
      '        + c',
      '        (2 scopes unchanged)',
      '  + create  empty',
      '        (no scopes)',
      '  + create  all',
      '        + (all scopes)',
      '  + create  rar [subject_type user]',
      '        ~ authorization_details_types: [pay]',
      '        (no scopes)',
      MAPI,
      '-/+ replace swap [subject_type client → user]',
      '        + c',
      '        (2 scopes unchanged)',
      '',
    ]);
  });

  it('colour only when asked: risks in red, additions green, removals red', () => {
    const review = { risks: [{ class: 'wildcard' as const, client_id: 'c', client_name: null, audience: PAY, scopes: [] }], clients: [], apis: [], revocations: [], fully_effective_after: undefined };
    const coloured = renderText(plan([change('update', { before: { scope: ['x'] }, after: { scope: ['y'] } })], { review }), { color: true });
    expect(coloured).toContain('\u001b[31m  ! wildcard');
    expect(coloured).toContain('\u001b[32m+ y\u001b[39m');
    expect(coloured).toContain('\u001b[31m- x\u001b[39m');
    expect(renderText(plan([], { review }), { color: false })).toContain('Risks, most serious first:\n  ! wildcard           c → ');
  });

  it('a workflow command in a value is neutralised', () => {
    expect(text(plan([change('create', { client_id: '::set-output name=x::y' })]))).not.toMatch(/^::/m);
  });
});

describe('markdown', () => {
  it('notes at the top: refusals, budget, variables', () => {
    const md = renderMarkdown(plan([change('delete')], notes));
    expect(md.split('\n').slice(0, 14)).toEqual([
      '### grantsync plan for `acme.eu.auth0.com`',
      '',
      '**Plan: 0 to create, 0 to update, 1 to delete.**',
      '',
      '> [!CAUTION]',
      '> **Apply will refuse this plan**: the plan deletes 2 grants, more than max\\_deletes (1). Check the plan.',
      '',
      '> [!IMPORTANT]',
      '> Deletion budget for this apply: 7, from --max-deletes.',
      '',
      '> [!NOTE]',
      '> Variables from the environment: HOST (GRANTSYNC\\_VAR\\_HOST).',
      '',
      '> [!WARNING]',
    ]);
  });

  it.each([
    [1, '> **1 privilege increase** on the Management API: review it first.', '> This plan **removes 1 grant**: the clients lose that access.'],
    [2, '> **2 privilege increases** on the Management API: review them first.', '> This plan **removes 2 grants**: the clients lose that access.'],
  ])('%i privilege increases and removals: singular and plural', (n, increase, removes) => {
    const changes = [
      ...Array.from({ length: n }, (_, i) => change('update', { client_id: `p${i}`, audience: MAPI, flags: ['privilege-increase'] })),
      ...Array.from({ length: n }, (_, i) => change(i === 0 ? 'delete' : 'replace', { client_id: `d${i}`, replaces_subject_type: 'user' })),
      change('update', { client_id: 'flagged-otherwise', flags: ['wildcard'] }),
    ];
    const md = renderMarkdown(plan(changes));
    expect(md).toContain(`> [!CAUTION]\n${increase}\n`);
    expect(md).toContain(`> [!WARNING]\n${removes}\n`);
    // Privilege increases first, under their own heading, then the rest.
    expect(md.indexOf('#### ⚠️ Privilege increases\n')).toBeLessThan(md.indexOf('`p0`'));
    expect(md.indexOf('`p0`')).toBeLessThan(md.indexOf('\n#### Changes\n'));
    expect(md.indexOf('\n#### Changes\n')).toBeLessThan(md.indexOf('`d0`'));
    expect(md).toContain('- 🟡 update `flagged-otherwise` → `https://api.example.com/payments` ⚠️ `wildcard`');
  });

  it('no privilege increase: no such block, and the changes heading right after the diagram', () => {
    const md = renderMarkdown(plan([change('create')]));
    expect(md).not.toContain('privilege increase');
    expect(md).not.toContain('[!WARNING]');
    expect(md).toContain('</details>\n\n#### Changes\n');
  });

  it('each change: icon, fields, organizations, unchanged scopes', () => {
    const md = renderMarkdown(plan([
      change('update', { before: { scope: ['a'] }, after: { scope: ['a'], allow_any_organization: true }, organization_lines: [{ sign: '+', id: 'o1', name: 'acme' }] }),
      change('update', { client_id: 'two', client_name: 'second', before: { scope: ['a', 'b'] }, after: { scope: ['a', 'b'], organization_usage: 'allow' } }),
      change('replace', { client_id: 'swap', subject_type: 'user', replaces_subject_type: 'client', after: { scope: ['a', 'b'] } }),
      change('create', { client_id: 'none', after: { scope: [] } }),
    ]));
    expect(md).toContain([
      '- 🟡 update `billing` → `https://api.example.com/payments`',
      '  ```diff',
      '  ! allow_any_organization: false → true',
      '  + org acme',
      '  ```',
      '  <sub>1 scope unchanged</sub>',
      '- 🟡 update `second (two)` → `https://api.example.com/payments`',
      '  ```diff',
      '  ! organization_usage: deny → allow',
      '  ```',
      '  <sub>2 scopes unchanged</sub>',
      '- 🟣 **replace** `swap` [subject_type client → user] → `https://api.example.com/payments`',
      '  <sub>2 scopes unchanged</sub>',
      '- 🟢 create `none` → `https://api.example.com/payments`',
      '',
    ].join('\n'));
  });

  it('is cut between changes, never inside one, with a pointer', () => {
    const changes = Array.from({ length: 60 }, (_, i) => change('create', { client_id: `client-${String(i).padStart(3, '0')}` }));
    const full = renderMarkdown(plan(changes));
    expect(full).not.toContain('Showing');
    const cut = renderMarkdown(plan(changes), { maxLength: 6000 });
    expect(cut.length).toBeLessThanOrEqual(6000);
    const shown = (cut.match(/^- 🟢 create/gm) ?? []).length;
    expect(shown).toBeGreaterThan(0);
    expect(cut).toContain(`> [!NOTE]\n> Showing ${shown} of 60 changes. Run \`grantsync plan\` to see the rest.\n`);
    // One more change would not have fitted.
    expect(renderMarkdown(plan(changes.slice(0, shown + 1)), { maxLength: 6000 })).toContain(`Showing ${shown} of ${shown + 1} changes`);
    expect(renderMarkdown(plan(changes.slice(0, shown)), { maxLength: 6000 })).not.toContain('Showing');
    expect(renderMarkdown(plan(changes), { maxLength: 6000, truncatedPointer: 'See the summary.' })).toContain(`changes. See the summary.\n`);
  });

  it('the diagram takes at most a quarter of the room', () => {
    const changes = Array.from({ length: 30 }, (_, i) => change('create', { client_id: `client-${i}` }));
    const md = renderMarkdown(plan(changes), { maxLength: 20_000 });
    const diagram = md.slice(md.indexOf('<details><summary>Diagram'), md.indexOf('</details>') + '</details>'.length);
    expect(diagram.length).toBeLessThanOrEqual(5000);
    expect(diagram.length).toBeGreaterThan(1000);
  });

  it('problems: singular and plural, locations as code, hints after a line break', () => {
    expect(renderProblemsMarkdown([{ message: 'bad `x`' }], 't')).toBe(
      '### grantsync plan for `t`\n\n**The grant files have 1 problem; no plan was made and nothing was changed.**\n\n- bad `x`\n',
    );
    expect(renderProblemsMarkdown([{ message: 'a', location: { file: 'f.yaml', line: 2, column: 3 }, hint: 'Do b.' }, { message: 'c' }], 't')).toContain(
      '**The grant files have 2 problems; no plan was made and nothing was changed.**\n\n- `f.yaml:2:3` a<br>Do b.\n- c\n',
    );
  });
});
