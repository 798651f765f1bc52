// The access review's lines one by one (src/render/review.ts), on a hand-made review: durations at
// their boundaries, every kind of access line, holders, revocations, and lists cut at 50 rows.
import { describe, expect, it } from 'vitest';
import type { AccessReview, ClientAccess, Risk } from '../../src/model/review.js';
import { accessMarkdown, accessText, duration, risksMarkdown, risksText } from '../../src/render/review.js';

const PAY = 'https://api.example.com/payments';
const empty: AccessReview = { risks: [], clients: [], apis: [], revocations: [], fully_effective_after: undefined };

describe('duration', () => {
  it.each([
    [0, '0 s'], [59, '59 s'], [60, '1 min'], [89, '1 min'], [90, '2 min'], [3569, '59 min'], [3570, '1 h'], [3599, '1 h'], [3600, '1 h'], [5399, '1 h'], [5400, '2 h'],
    [172_800, '48 h'], [172_801, '2 d'], [174_599, '2 d'], [174_600, '2 d 1 h'], [176_400, '2 d 1 h'], [259_199, '3 d'], [345_600, '4 d'],
  ])('%i s reads %s', (seconds, text) => {
    expect(duration(seconds)).toBe(text);
  });
});

const risk = (cls: Risk['class'], scopes: string[] = [], client_name: string | null = 'billing-worker'): Risk => ({ class: cls, client_id: 'billing', client_name, audience: PAY, scopes });

describe('risks', () => {
  it('none: no lines', () => {
    expect(risksText(empty)).toEqual([]);
    expect(risksMarkdown(empty)).toEqual([]);
  });

  it('text: class, who, what, scopes', () => {
    const review = { ...empty, risks: [risk('sensitive', ['refund:override', 'x\u0007']), risk('fleet-wide', [], null)] };
    expect(risksText(review)).toEqual([
      'Risks, most serious first:',
      '  ! sensitive          billing-worker → https://api.example.com/payments: gains scopes marked sensitive (refund:override, x\\u{7})',
      '  ! fleet-wide         billing → https://api.example.com/payments: reaches every third-party client, including ones created later',
      '',
    ]);
  });

  it('markdown: counts by class, then one line each', () => {
    const review = { ...empty, risks: [risk('wildcard'), risk('sensitive', ['a']), risk('wildcard', [], null)] };
    expect(risksMarkdown(review)).toEqual([
      '> [!CAUTION]',
      '> **Review first:** 2 `wildcard`, 1 `sensitive`',
      '>',
      '> - `wildcard` `billing-worker` → `https://api.example.com/payments`: gets every scope of the API, including scopes added later',
      '> - `sensitive` `billing-worker` → `https://api.example.com/payments`: gains scopes marked sensitive (`a`)',
      '> - `wildcard` `billing` → `https://api.example.com/payments`: gets every scope of the API, including scopes added later',
      '',
    ]);
  });

  it('more than 50 are cut, with how many more', () => {
    const review = { ...empty, risks: Array.from({ length: 53 }, (_, i) => risk('any-organization', [], `c${i}`)) };
    const text = risksText(review);
    expect(text).toHaveLength(1 + 50 + 1 + 1);
    expect(text[50]).toContain('c49 →');
    expect(text[51]).toBe('… and 3 more');
    const md = risksMarkdown(review);
    expect(md.at(-2)).toBe('> … and 3 more');
    expect(md.filter((l) => l.startsWith('> - '))).toHaveLength(50);
    expect(risksText({ ...empty, risks: review.risks.slice(0, 50) }).at(-2)).toContain('c49 →');
  });
});

const client = (name: string | null, apis: ClientAccess['apis']): ClientAccess => ({ client_id: 'id-' + name, client_name: name, apis });

describe('access after apply', () => {
  const review: AccessReview = {
    ...empty,
    clients: [
      client('billing', [
        { audience: PAY, subject_type: 'client', status: 'kept', all_scopes: false, scopes: [{ scope: 'read', status: 'kept' }, { scope: 'write', status: 'added' }, { scope: 'old', status: 'removed' }] },
        { audience: 'https://b', subject_type: 'user', status: 'added', all_scopes: false, scopes: [{ scope: 'x', status: 'added' }] },
      ]),
      client(null, [
        { audience: PAY, subject_type: 'client', status: 'removed', all_scopes: false, scopes: [] },
        { audience: 'https://c', subject_type: 'client', status: 'kept', all_scopes: true, scopes: [] },
        { audience: 'https://d', subject_type: 'client', status: 'kept', all_scopes: false, scopes: [] },
      ]),
    ],
  };

  it('text', () => {
    expect(accessText(review)).toEqual([
      'Access after apply:',
      '  billing can call https://api.example.com/payments with read, write (new), old (removed)',
      '  billing (user) can call https://b with x (new grant)',
      '  id-null can no longer call https://api.example.com/payments',
      '  id-null can call https://c with every scope',
      '  id-null can call https://d with no scopes',
      '',
    ]);
  });

  it('markdown', () => {
    expect(accessMarkdown(review)).toBe(
      '<details><summary>Access after apply (2 clients)</summary>\n\n' +
        '- `billing` can call `https://api.example.com/payments` with `read`, **`write` (new)**, ~~`old`~~\n' +
        '- `billing` (user) can call `https://b` with `x` (new grant)\n' +
        '- `id-null` can no longer call `https://api.example.com/payments`\n' +
        '- `id-null` can call `https://c` with every scope\n' +
        '- `id-null` can call `https://d` with no scopes\n\n</details>',
    );
    expect(accessMarkdown({ ...review, clients: review.clients.slice(0, 1) })).toContain('(1 client)');
  });

  it('more than 50 clients are cut', () => {
    const many = { ...empty, clients: Array.from({ length: 51 }, (_, i) => client(`c${i}`, [{ audience: PAY, subject_type: 'client', status: 'removed', all_scopes: false, scopes: [] }])) };
    expect(accessText(many).at(-2)).toBe('… and 1 more');
    expect(accessMarkdown(many)).toContain('- c49` can no longer'.slice(3));
    expect(accessMarkdown(many)).toContain('\n- … and 1 more\n');
    expect(accessMarkdown(many)).toContain('(51 clients)');
  });
});

describe('writers and revocations', () => {
  const review: AccessReview = {
    ...empty,
    apis: [
      { audience: PAY, scopes: [{ scope: 'write', holders: [{ client_id: 'b', client_name: 'billing', new: false }, { client_id: 'm', client_name: null, new: true }] }] },
      { audience: 'https://none', scopes: [] },
    ],
    revocations: [
      { client_id: 'o', client_name: 'old', audience: PAY, scopes: [], organizations: [], grant_removed: true, token_lifetime: 7200 },
      { client_id: 'b', client_name: null, audience: PAY, scopes: ['write', 'refund'], organizations: [], grant_removed: false, token_lifetime: 60 },
      { client_id: 'c', client_name: 'c', audience: PAY, scopes: [], organizations: [], every_scope: true, grant_removed: false, token_lifetime: 86_400 },
    ],
    fully_effective_after: 86_400,
  };

  it('text', () => {
    expect(accessText(review)).toEqual([
      'Who can write, after apply:',
      '  https://api.example.com/payments write: billing, m (new)',
      '',
      'Removed access: tokens already issued keep it until they expire, at most 24 h after apply:',
      '  old → https://api.example.com/payments: the grant, until at most 2 h after apply',
      '  b → https://api.example.com/payments: write, refund, until at most 1 min after apply',
      '  c → https://api.example.com/payments: every scope, until at most 24 h after apply',
      '',
    ]);
  });

  it('markdown', () => {
    expect(accessMarkdown(review)).toBe(
      '<details><summary>Who can write, after apply</summary>\n\n- `https://api.example.com/payments` `write`: `billing`, `m` **(new)**\n\n</details>\n\n' +
        '<details><summary>Removed access ends at most 24 h after apply</summary>\n\n' +
        "Tokens already issued keep their access until they expire (the API's token lifetime).\n\n" +
        '- `old` → `https://api.example.com/payments`: the grant, until at most 2 h after apply\n' +
        '- `b` → `https://api.example.com/payments`: `write`, `refund`, until at most 1 min after apply\n' +
        '- `c` → `https://api.example.com/payments`: every scope, until at most 24 h after apply\n\n</details>',
    );
  });

  it('revocations without a known end are not listed; nothing to say is an empty text', () => {
    const unknownEnd = { ...review, apis: [], fully_effective_after: undefined };
    expect(accessText(unknownEnd)).toEqual([]);
    expect(accessMarkdown(unknownEnd)).toBe('');
    expect(accessText(empty)).toEqual([]);
  });

  it('more than 50 writers or revocations are cut', () => {
    const many: AccessReview = {
      ...empty,
      apis: Array.from({ length: 52 }, (_, i) => ({ audience: `https://a${i}`, scopes: [{ scope: 'w', holders: [{ client_id: 'x', client_name: 'x', new: false }] }] })),
      revocations: Array.from({ length: 52 }, (_, i) => ({ client_id: 'x', client_name: `r${i}`, audience: PAY, scopes: [], organizations: [], grant_removed: true, token_lifetime: 60 })),
      fully_effective_after: 60,
    };
    const text = accessText(many);
    expect(text.filter((l) => l === '… and 2 more')).toHaveLength(2);
    expect(accessMarkdown(many).match(/\n- … and 2 more\n/g)).toHaveLength(2);
  });
});
