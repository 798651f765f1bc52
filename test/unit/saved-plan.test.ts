// The saved-plan promise, in process: parsing against the schema and the comparison with today's plan.
import { beforeEach, describe, expect, it } from 'vitest';
import { loadSavedPlanSchema } from '../../src/config/schemas.js';
import { InputError } from '../../src/errors.js';
import type { Change, Plan } from '../../src/model/types.js';
import { digestChanges } from '../../src/plan/plan.js';
import { canonicalJson, compareWithSaved, parseSavedPlan, toSavedPlan } from '../../src/plan/saved.js';
import { toJsonPlan } from '../../src/plan/json.js';
import { describeMismatch } from '../../src/render/mismatch.js';

const FP = `sha256:${'a'.repeat(64)}`;
const change = (over: Partial<Change> = {}): Change => ({
  action: 'update', client_id: 'c1', client_name: 'one', audience: 'https://api', subject_type: 'client',
  before: { scope: ['read'] }, after: { scope: ['read', 'write'] }, flags: [], ...over,
});
const plan = (changes: Change[]): Plan => ({
  tenant: 'acme.example.com', fingerprint: FP, digest: digestChanges(changes),
  summary: { create: 0, update: changes.length, delete: 0, replace: 0, unchanged: 3, unmanaged: 1 }, changes, unmanagedByReason: {},
});

describe('change-set digest', () => {
  it('depends on what the changes do, not on their order, names or flags', () => {
    const a = change();
    const b = change({ client_id: 'c2', client_name: 'two' });
    expect(digestChanges([a, b])).toBe(digestChanges([b, a]));
    expect(digestChanges([a])).toBe(digestChanges([{ ...a, client_name: 'renamed', flags: ['privilege-increase'] }]));
    expect(digestChanges([a])).not.toBe(digestChanges([{ ...a, after: { scope: ['read'] } }]));
    expect(digestChanges([a])).not.toBe(digestChanges([{ ...a, action: 'replace', replaces_subject_type: 'user' }]));
    expect(digestChanges([a])).not.toBe(digestChanges([{ ...a, subject_type: 'user' }]));
    expect(digestChanges([])).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('compareWithSaved', () => {
  let today!: Plan;
  beforeEach(() => {
    today = plan([change(), change({ client_id: 'c2', client_name: 'two' })]);
  });
  const saved = () => JSON.parse(JSON.stringify(toSavedPlan(today, { host: 'acme.example.com' }))) as ReturnType<typeof toSavedPlan>;

  it('accepts the same plan, whatever the key order or host case', () => {
    const file = saved();
    file.host = 'ACME.example.com';
    const reordered = JSON.parse(canonicalJson(file)) as typeof file;
    expect(compareWithSaved(reordered, toJsonPlan(today), 'acme.example.com')).toBeUndefined();
  });

  it('names every difference: fields, changed, added and removed changes', () => {
    const file = saved();
    file.fingerprint = `sha256:${'b'.repeat(64)}`;
    file.changes[0]!.flags = ['self-escalation'];
    file.changes.pop();
    file.changes.push({ ...file.changes[0]!, client_id: 'c9', flags: [] });
    const mismatch = compareWithSaved(file, toJsonPlan(today), 'acme.example.com')!;
    expect(mismatch.fields.map(([name]) => name)).toEqual(['fingerprint']);
    expect(mismatch.changes.map((c) => [c.saved?.client_id ?? null, c.today?.client_id ?? null])).toEqual([
      ['c1', 'c1'],
      ['c9', null],
      [null, 'c2'],
    ]);
    const text = describeMismatch(mismatch, 'plan.json');
    expect(text).toContain('fingerprint: "sha256:bbbb');
    expect(text).toContain('saved: update one (c1) → https://api (client): {"scope":["read"]} → {"scope":["read","write"]} [self-escalation]');
    expect(text).toContain('today: update one (c1) → https://api (client): {"scope":["read"]} → {"scope":["read","write"]}\n');
    expect(text).toContain('saved: update one (c9)');
    expect(text).toContain('today: (no such change)');
  });

  it('treats flags as a set, and a change listed twice as a difference', () => {
    const flagged = plan([change({ flags: ['privilege-increase', 'self-escalation'] })]);
    const file = JSON.parse(JSON.stringify(toSavedPlan(flagged, { host: 'h' }))) as ReturnType<typeof toSavedPlan>;
    file.changes[0]!.flags.reverse();
    expect(compareWithSaved(file, toJsonPlan(flagged), 'h')).toBeUndefined();
    file.changes.push(file.changes[0]!);
    expect(compareWithSaved(file, toJsonPlan(flagged), 'h')?.changes).toHaveLength(1);
  });

  it('shows at most 20 differing changes, and the file\'s control characters as escapes', () => {
    const many = plan(Array.from({ length: 25 }, (_, i) => change({ client_id: `c${i}`, client_name: `bad\u001b[31m\u202e${i}` })));
    const file = JSON.parse(JSON.stringify(toSavedPlan(many, { host: 'h' }))) as ReturnType<typeof toSavedPlan>;
    for (const c of file.changes) c.after = { scope: [] };
    const text = describeMismatch(compareWithSaved(file, toJsonPlan(many), 'h')!, 'p\nlan.json');
    expect(text).toContain('… and 5 more differing changes');
    expect(text).toContain('bad\\u{1b}[31m\\u{202e}0');
    expect(text).toContain('p\\u{a}lan.json');
    expect(text.includes('\u001b') || text.includes('\u202e')).toBe(false);
  });
});

describe('parseSavedPlan', () => {
  // Read in each test, not while the file loads (see docs/reliability.md, static mutants).
  const schema = (): object => loadSavedPlanSchema();
  // Made in each test, not while the file loads (see docs/reliability.md, static mutants).
  const good = () => JSON.stringify(toSavedPlan(plan([change()]), { host: 'h' }));
  it('accepts a file written by plan --out', () => {
    expect(parseSavedPlan(good(), 'p.json', schema()).changes).toHaveLength(1);
  });
  it.each([
    ['not JSON', () => '{', 'plan file is not JSON'],
    ['an older format', () => good().replace('grantsync-plan/2', 'grantsync-plan/1'), 'written by another version of grantsync'],
    ['extra settings', () => good().replace('"host"', '"max_deletes":99,"host"'), 'must NOT have additional properties'],
    ['a bad digest', () => good().replace(/"digest":"[^"]+"/, '"digest":"x"'), 'at /digest'],
    ['a bad action', () => good().replace('"action":"update"', '"action":"drop"'), 'at /changes/0/action'],
    ['a missing list', () => good().replace('"changes":[', '"changez":['), "must have required property 'changes'"],
  ])('refuses %s', (_name, made, message) => {
    const text = made();
    expect(() => parseSavedPlan(text, 'p.json', schema())).toThrow(InputError);
    expect(() => parseSavedPlan(text, 'p.json', schema())).toThrow(message);
  });
});
