// The wording every renderer shares (src/render/words.ts), table by table: verdicts, unmanaged
// reasons, scope and field lines of each kind of change, labels, and the notes under a plan.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Change, GrantState, Plan } from '../../src/model/types.js';
import {
  budgetNote, clientLabel, createdFields, fieldChanges, organizationTexts, refusalSentences, scopeLines, subjectLabel, tenantTitle,
  unchangedScopeCount, unmanagedDetail, varsNote, verdict,
} from '../../src/render/words.js';

const PAY = 'https://api.example.com/payments';

function change(action: Change['action'], before: GrantState | null, after: GrantState | null, extra: Partial<Change> = {}): Change {
  return { action, client_id: 'billing', audience: PAY, subject_type: 'client', flags: [], before, after, ...extra };
}
const plan = (extra: Partial<Plan> = {}): Plan => ({
  tenant: 'acme.eu.auth0.com', fingerprint: 'fp', digest: 'dg', changes: [], unmanagedByReason: {},
  summary: { create: 0, update: 0, delete: 0, replace: 0, unchanged: 0, unmanaged: 0 }, ...extra,
});

describe('verdict', () => {
  const summary = (create: number, update: number, del: number, replace: number) => ({ create, update, delete: del, replace, unchanged: 5, unmanaged: 2 });
  it.each([
    [summary(0, 0, 0, 0), 'No changes. The tenant matches the YAML.'],
    [summary(1, 0, 0, 0), 'Plan: 1 to create, 0 to update, 0 to delete.'],
    [summary(0, 1, 0, 0), 'Plan: 0 to create, 1 to update, 0 to delete.'],
    [summary(0, 0, 1, 0), 'Plan: 0 to create, 0 to update, 1 to delete.'],
    [summary(0, 0, 0, 1), 'Plan: 0 to create, 0 to update, 0 to delete, 1 to replace.'],
    [summary(2, 3, 4, 5), 'Plan: 2 to create, 3 to update, 4 to delete, 5 to replace.'],
  ])('%o', (s, text) => {
    expect(verdict(s)).toBe(text);
  });
});

describe('tenantTitle', () => {
  it.each([
    [{ tenant: '127.0.0.1:4010' }, '127.0.0.1:4010'],
    [{ tenant: 'acme.eu.auth0.com', tenantName: 'ACME.eu.auth0.com' }, 'acme.eu.auth0.com'],
    [{ tenant: 'login.acme.com', tenantName: 'acme.eu.auth0.com' }, 'acme.eu.auth0.com (at login.acme.com)'],
    [{ tenant: 'a\u0007', tenantName: 'b\u001b' }, 'b\\u{1b} (at a\\u{7})'],
  ])('%o', (p, text) => {
    expect(tenantTitle(p)).toBe(text);
  });
  it('escapes with the caller\'s escape', () => {
    expect(tenantTitle({ tenant: 'x', tenantName: 'y' }, (v) => `<${v}>`)).toBe('<y> (at <x>)');
    expect(tenantTitle({ tenant: 'x' }, (v) => `<${v}>`)).toBe('<x>');
  });
});

describe('unmanagedDetail', () => {
  it.each([
    [{}, ''],
    [{ system: 0, 'own-client': 0 }, ''],
    [{ system: 2 }, ' (2 system)'],
    [
      { 'unknown-field': 1, 'outside-manage': 2, 'excluded-client': 3, 'pipeline-client': 4, 'own-client': 5, system: 6 },
      " (6 system, 5 of grantsync's own client, 4 of pipeline clients, 3 of excluded clients, 2 outside `manage`, 1 with unknown fields)",
    ],
  ])('%o', (byReason, text) => {
    expect(unmanagedDetail(plan({ unmanagedByReason: byReason }))).toBe(text);
  });
});

describe('scopeLines', () => {
  const s = (...scope: string[]): GrantState => ({ scope });
  const all: GrantState = { scope: [], allow_all_scopes: true };
  it.each<[string, Change, string[]]>([
    ['create', change('create', null, s('a', 'b')), ['+a', '+b']],
    ['delete', change('delete', s('a', 'b'), null), ['-a', '-b']],
    ['update, merged in order', change('update', s('a', 'c', 'e'), s('b', 'c', 'd')), ['-a', '+b', '-e', '+d']],
    ['nothing changed', change('update', s('a'), { scope: ['a'], organization_usage: 'allow' }), []],
    ['to every scope', change('update', s('a', 'b'), all), ['-a', '-b', '+(all scopes)']],
    ['create with every scope', change('create', null, all), ['+(all scopes)']],
    ['from every scope', change('update', all, s('a')), ['-(all scopes)', '+a']],
    ['delete of every scope', change('delete', all, null), ['-(all scopes)']],
    ['every scope both sides', change('update', all, { ...all, organization_usage: 'allow' }), []],
  ])('%s', (_name, c, lines) => {
    expect(scopeLines(c).map((l) => `${l.sign}${l.scope}`)).toEqual(lines);
  });

  it('property: applying the lines to before gives after', () => {
    const scopes = fc.uniqueArray(fc.constantFrom<string>('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 6 }).map((xs) => [...xs].sort());
    fc.assert(
      fc.property(scopes, scopes, (before, after) => {
        const lines = scopeLines(change('update', s(...before), s(...after)));
        const result = new Set(before);
        for (const l of lines) {
          if (l.sign === '+') result.add(l.scope);
          else result.delete(l.scope);
        }
        expect([...result].sort()).toEqual(after);
        expect(lines.length).toBe(before.filter((x) => !after.includes(x)).length + after.filter((x) => !before.includes(x)).length);
      }),
    );
  });
});

describe('fieldChanges and createdFields', () => {
  it.each<[string, Change, string[]]>([
    ['create', change('create', null, { scope: [], organization_usage: 'allow' }), []],
    ['delete', change('delete', { scope: [], organization_usage: 'allow' }, null), []],
    ['same fields', change('update', { scope: ['a'], organization_usage: 'allow', allow_any_organization: true }, { scope: [], organization_usage: 'allow', allow_any_organization: true }), []],
    ['usage from the default', change('update', { scope: [] }, { scope: [], organization_usage: 'require' }), ['organization_usage: deny → require']],
    ['usage to the default', change('update', { scope: [], organization_usage: 'allow' }, { scope: [] }), ['organization_usage: allow → deny']],
    ['any organization', change('update', { scope: [] }, { scope: [], allow_any_organization: true }), ['allow_any_organization: false → true']],
    ['any organization off', change('update', { scope: [], allow_any_organization: true }, { scope: [] }), ['allow_any_organization: true → false']],
    ['RAR types added', change('update', { scope: [] }, { scope: [], authorization_details_types: ['payment', 'x\u0007'] }), ['authorization_details_types: [] → [payment, x\\u{7}]']],
    ['RAR types removed', change('update', { scope: [], authorization_details_types: ['payment'] }, { scope: [] }), ['authorization_details_types: [payment] → []']],
    ['RAR types split differently', change('update', { scope: [], authorization_details_types: ['a', 'b'] }, { scope: [], authorization_details_types: ['ab'] }), ['authorization_details_types: [a, b] → [ab]']],
    [
      'all three',
      change('update', { scope: [], organization_usage: 'allow' }, { scope: [], organization_usage: 'require', allow_any_organization: true, authorization_details_types: ['t'] }),
      ['organization_usage: allow → require', 'allow_any_organization: false → true', 'authorization_details_types: [] → [t]'],
    ],
  ])('fieldChanges: %s', (_name, c, lines) => {
    expect(fieldChanges(c)).toEqual(lines);
  });

  it.each<[string, Change, string[]]>([
    ['create with types', change('create', null, { scope: [], authorization_details_types: ['a', 'b'] }, { subject_type: 'user' }), ['authorization_details_types: [a, b]']],
    ['create without types', change('create', null, { scope: ['x'] }), []],
    ['replace with types', change('replace', { scope: [] }, { scope: [], authorization_details_types: ['a'] }), ['authorization_details_types: [a]']],
    ['update with types (fieldChanges says it)', change('update', { scope: [] }, { scope: [], authorization_details_types: ['a'] }), []],
    ['delete', change('delete', { scope: [], authorization_details_types: ['a'] }, null), []],
  ])('createdFields: %s', (_name, c, lines) => {
    expect(createdFields(c)).toEqual(lines);
  });
});

describe('labels', () => {
  it.each<[string, Partial<Change>, string]>([
    ['id only', {}, 'billing'],
    ['name and id', { client_name: 'billing-worker' }, 'billing-worker (billing)'],
    ['name shown visibly', { client_name: 'evil\u001b[2J' }, 'evil\\u{1b}[2J (billing)'],
    ['id shown visibly', { client_id: 'x\u0000' }, 'x\\u{0}'],
    ['default grant', { client_id: '', default_for: 'third_party_clients', client_name: 'ignored' }, 'default grant for every third-party client'],
  ])('clientLabel: %s', (_name, extra, text) => {
    expect(clientLabel(change('create', null, { scope: [] }, extra))).toBe(text);
  });

  it.each<[string, Partial<Change>, string]>([
    ['client', {}, ''],
    ['user', { subject_type: 'user' }, ' [subject_type user]'],
    ['replace', { action: 'replace', subject_type: 'user', replaces_subject_type: 'client' }, ' [subject_type client → user]'],
    ['replace of a client by a client', { action: 'replace', replaces_subject_type: 'client' }, ' [subject_type client → client]'],
  ])('subjectLabel: %s', (_name, extra, text) => {
    expect(subjectLabel(change('update', { scope: [] }, { scope: [] }, extra))).toBe(text);
  });
  it('subjectLabel escapes with the caller\'s escape', () => {
    expect(subjectLabel(change('update', null, null, { subject_type: 'user' }), (v) => `*${v}*`)).toBe(' [subject_type *user*]');
    expect(subjectLabel(change('replace', null, null, { subject_type: 'user', replaces_subject_type: 'client' }), (v) => `*${v}*`)).toBe(' [subject_type *client* → *user*]');
  });

  it('organizationTexts: the name, or the id when the name is the id; visibly', () => {
    const c = change('update', { scope: [] }, { scope: [] }, {
      organization_lines: [{ sign: '+', id: 'org_1', name: 'acme' }, { sign: '-', id: 'org_2', name: 'org_2' }, { sign: '+', id: 'org_3', name: 'a\u0007' }],
    });
    expect(organizationTexts(c)).toEqual([{ sign: '+', text: 'org acme' }, { sign: '-', text: 'org org_2' }, { sign: '+', text: 'org a\\u{7}' }]);
    expect(organizationTexts(change('update', { scope: [] }, { scope: [] }))).toEqual([]);
  });
});

describe('unchangedScopeCount', () => {
  it.each<[string, Change, number]>([
    ['create', change('create', null, { scope: ['a'] }), 0],
    ['delete', change('delete', { scope: ['a'] }, null), 0],
    ['from every scope', change('update', { scope: [], allow_all_scopes: true }, { scope: ['a'] }), 0],
    ['kept scopes', change('update', { scope: ['a', 'b', 'c'] }, { scope: ['b', 'c', 'd'] }), 2],
    ['none kept', change('update', { scope: ['a'] }, { scope: ['b'] }), 0],
  ])('%s', (_name, c, n) => {
    expect(unchangedScopeCount(c)).toBe(n);
  });
});

describe('notes under a plan', () => {
  it('refusal sentences: reason and advice', () => {
    expect(refusalSentences(plan())).toEqual([]);
    expect(refusalSentences(plan({ refusals: [{ rule: 'max-deletes', reason: 'too many', advice: 'Check.' }, { rule: 'unknown-client', reason: 'who', advice: 'Look.' }] }))).toEqual(['too many. Check.', 'who. Look.']);
  });
  it('the budget, unless it is max_deletes of the settings', () => {
    expect(budgetNote(plan())).toBeUndefined();
    expect(budgetNote(plan({ budget: { maxDeletes: 5, source: 'settings' } }))).toBeUndefined();
    expect(budgetNote(plan({ budget: { maxDeletes: 7, source: 'option' } }))).toMatch(/^Deletion budget for this apply: 7, from .*max-deletes.*\.$/);
  });
  it('variables from the environment', () => {
    expect(varsNote(plan())).toBeUndefined();
    expect(varsNote(plan({ varsFromEnvironment: [] }))).toBeUndefined();
    expect(varsNote(plan({ varsFromEnvironment: ['MAILER', 'API'] }))).toBe('Variables from the environment: MAILER (GRANTSYNC_VAR_MAILER), API (GRANTSYNC_VAR_API).');
  });
});
