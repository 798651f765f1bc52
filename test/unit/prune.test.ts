// Deleting expired entries from a grant file's text: only the entries go, every other byte stays
// (comments, alignment, quoting, blank lines), entries that have not expired keep their `expires`,
// and a list that loses every item becomes `[]`, never null.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pruneExpired } from '../../src/config/prune.js';

const FILE = `# yaml-language-server: $schema=../schema/grants.schema.json
# Payments API
grants:
  # the worker
  - client: billing-worker                 # the application's name …
    audience: https://api.example.com/payments
    scope: [read:invoices, {name: write:refunds, expires: 2027-01-31}, "x:y"]

  # temporary access for the export
  - client_id: invMailer2222222222222222222222B   # … or its client_id
    audience: https://api.example.com/payments
    scope:
      - read:invoices
      - name: write:refunds   # until the migration
        expires: 2027-01-01
      - 'quoted:scope'
    expires: 2027-02-28   # ends with Q1

  - client: last
    audience: 'https://api'
    scope: [{name: a, expires: 2027-01-01}]
    expires: 2027-03-01
`;

describe('pruneExpired', () => {
  it('changes nothing before any day', () => {
    expect(pruneExpired(FILE, '2026-12-31')).toEqual({ text: FILE, removed: [] });
  });

  it('cuts expired scope entries from flow and block lists; an emptied list is []', () => {
    const { text, removed } = pruneExpired(FILE, '2027-01-01');
    expect(removed.map((r) => [r.line, r.client, r.scope, r.expired_on])).toEqual([
      [14, 'invMailer2222222222222222222222B', 'write:refunds', '2027-01-01'],
      [21, 'last', 'a', '2027-01-01'],
    ]);
    expect(text).toBe(
      FILE.replace('      - name: write:refunds   # until the migration\n        expires: 2027-01-01\n', '').replace('scope: [{name: a, expires: 2027-01-01}]', 'scope: []'),
    );
  });

  it('cuts a whole grant with the comment above it, and keeps the expires of what has not expired', () => {
    const { text } = pruneExpired(FILE, '2027-02-28');
    expect(text).toBe(`# yaml-language-server: $schema=../schema/grants.schema.json
# Payments API
grants:
  # the worker
  - client: billing-worker                 # the application's name …
    audience: https://api.example.com/payments
    scope: [read:invoices, "x:y"]

  - client: last
    audience: 'https://api'
    scope: []
    expires: 2027-03-01
`);
  });

  it('leaves `grants: []` when every grant expired', () => {
    const { text } = pruneExpired('grants:  # all of them\n  - client: a\n    audience: x\n    scope: []\n    expires: 2027-01-01\n', '2027-01-01');
    expect(text).toBe('grants: []\n');
    expect(parse(text)).toEqual({ grants: [] });
  });

  it('cuts grants from a flow list too', () => {
    const { text } = pruneExpired('grants: [{client: a, audience: x, scope: [], expires: 2027-01-01}, {client: b, audience: x, scope: []}]\n', '2027-01-02');
    expect(text).toBe('grants: [{client: b, audience: x, scope: []}]\n');
  });

  it('falls back to the Document rendering where cutting lines would change the meaning', () => {
    // The dash alone on its line would stay behind as a null grant: the Document writes the file instead.
    const { text } = pruneExpired('grants:\n  -\n    client: a\n    audience: x\n    scope: []\n    expires: 2027-01-01\n  - client: b # kept\n    audience: x\n    scope: []\n', '2027-01-02');
    expect(parse(text)).toEqual({ grants: [{ client: 'b', audience: 'x', scope: [] }] });
    expect(text).toContain('# kept');
  });

  it('leaves a file that does not parse alone', () => {
    expect(pruneExpired('grants: [\n', '2030-01-01')).toEqual({ text: 'grants: [\n', removed: [] });
  });
});
