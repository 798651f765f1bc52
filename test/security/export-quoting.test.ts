// What export writes, the loader reads back unchanged: every scalar is quoted when it needs to be,
// and a `${` in a tenant's value is written `$${` so that it is not expanded as a variable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapePlaceholders, substitute } from '../../src/config/vars.js';
import { renderGrantFile, renderSettingsFile, scalar, type ExportGrant } from '../../src/export/write.js';
import { load } from '../helpers/directory.js';
import { HOSTILE_NAMES } from '../helpers/hostile.js';

function roundTrip(grants: ExportGrant[], excluded: string[] = []): { grants: { client?: string; client_id?: string; audience: string; scope: string[] }[]; excluded: string[] } {
  const files = {
    'grantsync.yaml': renderSettingsFile({ tenant: 'acme.eu.auth0.com', excludeClients: excluded.map((name) => ({ name, why: 'because' })) }, 'schema.json'),
    'a.yaml': renderGrantFile({ name: 'a.yaml', audience: 'x', title: 'API\n# title: injected', grants }, 'schema.json'),
  };
  const result = load(files);
  if (!result.ok) throw new Error(`${JSON.stringify(result.problems)}\n${files['a.yaml']}`);
  return {
    grants: result.state.grants.map((g) => ({ ...(g.client !== undefined ? { client: g.client } : { client_id: g.client_id! }), audience: g.audience, scope: g.scope })),
    excluded: result.state.settings.exclude.clients,
  };
}

const grantOf = (name: string, scope: string[] = ['read:x']): ExportGrant => ({ client: { name }, audience: `https://api/${name}`, scope, subject_type: 'client' });

describe('export quoting', () => {
  it.each(HOSTILE_NAMES)('a client named %j reads back as itself, in grants and in exclude', (name) => {
    const back = roundTrip([grantOf(name, [name])], [name]);
    expect(back.grants).toEqual([{ client: name, audience: `https://api/${name}`, scope: [name] }]);
    expect(back.excluded).toEqual([name]);
  });

  it('a non-unique name in a comment cannot start a line of YAML', () => {
    const back = roundTrip([{ client: { id: 'abc', comment: 'x\ngrants: []\r- client: evil' }, audience: 'https://api', scope: [], subject_type: 'client' }]);
    expect(back.grants).toEqual([{ client_id: 'abc', audience: 'https://api', scope: [] }]);
  });

  it('plain scalars stay plain (re-exports of ordinary tenants change no byte)', () => {
    expect(['billing-worker', 'read:invoices', 'https://api.example.com/payments', 'a_b.c@d+e'].map((v) => scalar(v))).toEqual([
      'billing-worker',
      'read:invoices',
      'https://api.example.com/payments',
      'a_b.c@d+e',
    ]);
    expect(scalar('worker:')).toBe('"worker:"');
    expect(scalar('${HOME}')).toBe('"$${HOME}"');
  });

  it('property: any name, scope and audience reads back as itself', () => {
    // Random code points, and strings of the characters YAML and the loader give a meaning to.
    const meaningful = fc.constantFrom('$', '{', '}', ':', '#', '-', ' ', '"', "'", '\\', '\n', '\u0085', '\u2028', 'a', '1', 'null');
    const text = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), fc.string({ unit: meaningful, minLength: 1, maxLength: 12 }));
    fc.assert(
      fc.property(text, text, fc.uniqueArray(text, { maxLength: 3 }), (name, audience, scope) => {
        const back = roundTrip([{ client: { name }, audience, scope, subject_type: 'client' }], [name]);
        expect(back.grants).toEqual([{ client: name, audience, scope: [...scope].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) }]);
        expect(back.excluded).toEqual([name]);
      }),
      { numRuns: 500 },
    );
  });

  it('property: escapePlaceholders is undone by substitute, with no undefined-variable problems', () => {
    const dollarHeavy = fc.string({ unit: fc.constantFrom('$', '{', '}', 'A', '_', '1', ' '), maxLength: 30 });
    fc.assert(
      fc.property(fc.oneof(dollarHeavy, fc.string({ unit: 'binary' })), (value) => {
        const { value: back, problems } = substitute(escapePlaceholders(value), new Map(), () => ({ file: 'a.yaml', line: 1, column: 1 }));
        expect(problems).toEqual([]);
        expect(back).toBe(value);
      }),
      { numRuns: 2000 },
    );
  });
});
