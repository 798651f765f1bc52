// Why `apply --plan` refused, line by line (src/render/mismatch.ts): the differing fields aligned,
// each differing change as saved and as today, at most 20, and how many more.
import { describe, expect, it } from 'vitest';
import type { JsonChange } from '../../src/plan/json.js';
import { describeMismatch } from '../../src/render/mismatch.js';

const change = (extra: Partial<JsonChange> = {}): JsonChange => ({
  action: 'update', client_id: 'c1', client_name: 'one', audience: 'https://api', subject_type: 'client',
  before: { scope: ['read'] }, after: { scope: ['read', 'write'] }, flags: [], ...extra,
});

describe('describeMismatch', () => {
  it('fields aligned under their names, then each change as saved and today', () => {
    const text = describeMismatch({
      fields: [['digest', '"sha256:aa"', '"sha256:bb"'], ['host', '"a"', '"b"']],
      changes: [
        { saved: change({ flags: ['privilege-increase', 'wildcard'] }), today: change() },
        { saved: change({ client_id: 'c9', client_name: null, action: 'create', before: null }) },
        { today: change({ action: 'delete', after: null }) },
      ],
    }, 'plan.json');
    expect(text).toBe([
      "the plan in plan.json is not the plan that today's YAML, settings and tenant produce; nothing was changed.",
      '  saved plan ↔ today:',
      '    digest: "sha256:aa"',
      '            "sha256:bb" (today)',
      '    host: "a"',
      '          "b" (today)',
      '    saved: update one (c1) → https://api (client): {"scope":["read"]} → {"scope":["read","write"]} [privilege-increase, wildcard]',
      '    today: update one (c1) → https://api (client): {"scope":["read"]} → {"scope":["read","write"]}',
      '    saved: create c9 → https://api (client): none → {"scope":["read","write"]}',
      '    today: (no such change)',
      '    saved: (no such change)',
      '    today: delete one (c1) → https://api (client): {"scope":["read"]} → none',
      '  Run plan again, review the new plan, and apply that one.',
    ].join('\n'));
  });

  it.each([
    [20, undefined],
    [21, '    … and 1 more differing change'],
    [23, '    … and 3 more differing changes'],
  ])('%i differing changes: 20 shown, then %s', (n, more) => {
    const lines = describeMismatch({ fields: [], changes: Array.from({ length: n }, (_, i) => ({ saved: change({ client_id: `c${i}` }) })) }, 'p').split('\n');
    expect(lines.filter((l) => l.startsWith('    saved: '))).toHaveLength(20);
    expect(lines.at(-2)).toBe(more ?? '    today: (no such change)');
  });
});
