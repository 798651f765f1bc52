import { describe, expect, it } from 'vitest';
import { adviceOf, formatProblem } from '../../src/render/problems.js';
import { load, SETTINGS } from '../helpers/directory.js';

/** The problems of a load, formatted as the CLI prints them, without hints or suggestions. */
function problems(files: Record<string, string | Uint8Array>): string[] {
  const result = load(files);
  if (result.ok) return [];
  return result.problems.map((p) => formatProblem({ ...p, hint: undefined, suggestions: undefined }));
}

const grant = (body: string): Record<string, string> => ({ 'grantsync.yaml': SETTINGS, 'a.yaml': body });

describe('loading a valid directory', () => {
  it('reads grants from every file, recursively, with their locations', () => {
    const result = load({
      'grantsync.yaml': 'manage: { audiences: [https://api] }\nmax_deletes: 3\nexclude: { clients: [legacy] }\n',
      'a.yaml': 'grants:\n  - client: one\n    audience: https://api\n    scope: [b, a]\n',
      'team/b.yml': 'grants:\n  - client_id: abc\n    audience: https://api\n    scope: []\n    subject_type: user\n    organization_usage: allow\n',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.state.settings).toMatchObject({ manage: { audiences: ['https://api'] }, maxDeletes: 3, exclude: { clients: ['legacy'] } });
    expect(result.state.grants.map((g) => [g.client ?? g.client_id, g.scope, g.subject_type, g.source])).toEqual([
      ['one', ['b', 'a'], 'client', { file: 'grants/a.yaml', line: 2, column: 5 }],
      ['abc', [], 'user', { file: 'grants/team/b.yml', line: 2, column: 5 }],
    ]);
    expect(result.state.grants[0]!.fieldLocations['scope.1']).toEqual({ file: 'grants/a.yaml', line: 4, column: 16 });
  });

  it('defaults max_deletes to 10 and allow_undefined_scopes to false', () => {
    const result = load({ 'grantsync.yaml': SETTINGS, 'a.yaml': 'grants: []\n' });
    expect(result.ok && result.state.settings).toMatchObject({ maxDeletes: 10, allowUndefinedScopes: false, manage: 'all' });
  });
});

describe('every invalid input names file:line:column', () => {
  const cases: [string, Record<string, string | Uint8Array>, string[]][] = [
    ['missing grants key', grant('grant:\n  - client: a\n'), [
      'grants/a.yaml:1:1: error: file has no `grants` key',
      'grants/a.yaml:1:1: error: unknown key `grant`',
    ]],
    ['grants is null (half-written file)', grant('grants:\n'), ['grants/a.yaml:1:8: error: `grants` must be a list, but it is empty (null)']],
    ['grants is a mapping', grant('grants:\n  client: a\n'), ['grants/a.yaml:2:3: error: `grants` must be a list, but it is a mapping']],
    ['grants is a string', grant('grants: none\n'), ['grants/a.yaml:1:9: error: `grants` must be a list, but it is the text "none"']],
    ['empty file', grant(''), ['grants/a.yaml:1:1: error: file is empty']],
    ['comment-only file', grant('# nothing yet\n'), ['grants/a.yaml:1:1: error: file is empty']],
    ['top level is a list', grant('- client: a\n'), ['grants/a.yaml:1:1: error: the file must be a mapping, but it is a list']],
    ['grant is a string', grant('grants:\n  - billing-worker\n'), ['grants/a.yaml:2:5: error: `grants[0]` must be a mapping, but it is the text "billing-worker"']],
    ['missing audience', grant('grants:\n  - client: a\n    scope: []\n'), ['grants/a.yaml:2:5: error: `grants[0]` is missing `audience`']],
    ['missing scope', grant('grants:\n  - client: a\n    audience: x\n'), ['grants/a.yaml:2:5: error: `grants[0]` is missing `scope`']],
    ['both client and client_id', grant('grants:\n  - client: a\n    client_id: b\n    audience: x\n    scope: []\n'), ['grants/a.yaml:2:5: error: grant names both `client` and `client_id`']],
    ['neither client nor client_id', grant('grants:\n  - audience: x\n    scope: []\n'), ['grants/a.yaml:2:5: error: grant names no application: it needs `client` (a name) or `client_id`']],
    ['unknown key with a suggestion', grant('grants:\n  - client: a\n    audience: x\n    scopes: []\n'), [
      'grants/a.yaml:4:5: error: unknown key `scopes` in `grants[0]`',
      // Checked after the schema since `allow_all_scopes: true` may stand in for `scope`.
      'grants/a.yaml:2:5: error: `grants[0]` is missing `scope`',
    ]],
    ['scope is a string', grant('grants:\n  - client: a\n    audience: x\n    scope: read:all\n'), ['grants/a.yaml:4:12: error: `grants[0].scope` must be a list, but it is the text "read:all"']],
    ['scope item is a number', grant('grants:\n  - client: a\n    audience: x\n    scope: [1]\n'), ['grants/a.yaml:4:13: error: `grants[0].scope[0]` must be a scope name or a `{name, expires}` mapping, but it is the number 1']],
    ['duplicate scope', grant('grants:\n  - client: a\n    audience: x\n    scope: [a, b, a]\n'), ['grants/a.yaml:4:19: error: `grants[0].scope` lists "a" twice (items 1 and 3)']],
    ['empty scope string', grant('grants:\n  - client: a\n    audience: x\n    scope: [""]\n'), ['grants/a.yaml:4:13: error: `grants[0].scope[0]` is empty']],
    ['empty audience', grant('grants:\n  - client: a\n    audience: ""\n    scope: []\n'), ['grants/a.yaml:3:15: error: `grants[0].audience` is empty']],
    ['audience is a number', grant('grants:\n  - client: a\n    audience: 42\n    scope: []\n'), ['grants/a.yaml:3:15: error: `grants[0].audience` must be a string, but it is the number 42']],
    ['bad subject_type', grant('grants:\n  - client: a\n    audience: x\n    scope: []\n    subject_type: users\n'), ['grants/a.yaml:5:19: error: `grants[0].subject_type` is "users", which is not one of `client`, `user`']],
    ['bad organization_usage', grant('grants:\n  - client: a\n    audience: x\n    scope: []\n    organization_usage: always\n'), ['grants/a.yaml:5:25: error: `grants[0].organization_usage` is "always", which is not one of `deny`, `allow`, `require`']],
    ['allow_any_organization as text', grant('grants:\n  - client: a\n    audience: x\n    scope: []\n    allow_any_organization: "yes"\n'), ['grants/a.yaml:5:29: error: `grants[0].allow_any_organization` must be a boolean, but it is the text "yes"']],
    ['duplicate mapping key', grant('grants:\n  - client: a\n    client: b\n    audience: x\n    scope: []\n'), ['grants/a.yaml:3:5: error: the same key appears twice in one mapping']],
    ['syntax error', grant('grants:\n  - client: a\n    scope: [x\n'), ['grants/a.yaml:4:1: error: YAML syntax error: flow sequence in block collection must be sufficiently indented and end with a ]']],
    ['tab indentation', grant('grants:\n\t- client: a\n'), ['grants/a.yaml:2:1: error: YAML syntax error: tabs are not allowed as indentation']],
    ['two documents', grant('grants: []\n---\ngrants: []\n'), ['grants/a.yaml:2:1: error: file holds several YAML documents (---)']],
    ['binary content', { 'grantsync.yaml': SETTINGS, 'a.yaml': new Uint8Array([0x67, 0x00, 0xff, 0x01]) }, ['grants/a.yaml:1:1: error: file is not text (it contains NUL bytes)']],
    ['invalid UTF-8', { 'grantsync.yaml': SETTINGS, 'a.yaml': new Uint8Array([0x67, 0x72, 0xc3, 0x28]) }, ['grants/a.yaml:1:1: error: file is not valid UTF-8']],
    ['alias bomb', grant(`a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`), ['grants/a.yaml:1:1: error: YAML aliases expand too far (Excessive alias count indicates a resource exhaustion attack)']],
    ['settings missing', { 'a.yaml': 'grants: []\n' }, ['error: grants/grantsync.yaml is missing']],
    ['no grant files', { 'grantsync.yaml': SETTINGS }, ['error: no grant files (*.yaml, *.yml) found under grants']],
    ['settings in a subdirectory', { 'grantsync.yaml': SETTINGS, 'a.yaml': 'grants: []\n', 'team/grantsync.yaml': SETTINGS }, ['grants/team/grantsync.yaml:1:1: error: grantsync.yaml is only read at the top of the grants directory (grants)']],
    ['settings without manage', { 'grantsync.yaml': 'max_deletes: 3\n', 'a.yaml': 'grants: []\n' }, ['grants/grantsync.yaml:1:1: error: the file is missing `manage`']],
    ['manage is a typo', { 'grantsync.yaml': 'manage: everything\n', 'a.yaml': 'grants: []\n' }, ['grants/grantsync.yaml:1:9: error: `manage` is "everything", but it must be `all` or `{ audiences: [...] }`']],
    ['manage audiences empty', { 'grantsync.yaml': 'manage:\n  audiences: []\n', 'a.yaml': 'grants: []\n' }, ['grants/grantsync.yaml:2:14: error: `manage.audiences` is an empty list']],
    ['manage with unknown key', { 'grantsync.yaml': 'manage:\n  audience: [x]\n', 'a.yaml': 'grants: []\n' }, [
      'grants/grantsync.yaml:2:3: error: `manage` is missing `audiences`',
      'grants/grantsync.yaml:2:3: error: unknown key `audience` in `manage`',
    ]],
    ['negative max_deletes', { 'grantsync.yaml': 'manage: all\nmax_deletes: -1\n', 'a.yaml': 'grants: []\n' }, ['grants/grantsync.yaml:2:14: error: `max_deletes` must be 0 or more']],
    ['max_deletes as text', { 'grantsync.yaml': 'manage: all\nmax_deletes: ten\n', 'a.yaml': 'grants: []\n' }, ['grants/grantsync.yaml:2:14: error: `max_deletes` must be a whole number, but it is the text "ten"']],
    ['unknown settings key', { 'grantsync.yaml': 'manage: all\nmax_delete: 3\n', 'a.yaml': 'grants: []\n' }, ['grants/grantsync.yaml:2:1: error: unknown key `max_delete`']],
    ['empty settings', { 'grantsync.yaml': '', 'a.yaml': 'grants: []\n' }, ['grants/grantsync.yaml:1:1: error: settings file is empty']],
  ];

  it.each(cases)('%s', (_name, files, expected) => {
    expect(problems(files)).toEqual(expected);
  });

  it('has at least 25 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it('reports every problem of every file in one run, not just the first', () => {
    const found = problems({
      'grantsync.yaml': SETTINGS,
      'a.yaml': 'grants:\n  - client: a\n    audience: x\n    scope: [1]\n  - audience: y\n    scope: []\n',
      'b.yaml': 'grants: nope\n',
    });
    expect(found).toEqual([
      'grants/a.yaml:4:13: error: `grants[0].scope[0]` must be a scope name or a `{name, expires}` mapping, but it is the number 1',
      'grants/a.yaml:5:5: error: grant names no application: it needs `client` (a name) or `client_id`',
      'grants/b.yaml:1:9: error: `grants` must be a list, but it is the text "nope"',
    ]);
  });

  it('refuses a file over the size limit without parsing it', () => {
    const result = load({ 'grantsync.yaml': SETTINGS, 'a.yaml': new Uint8Array(9 * 1024 * 1024).fill(0x20) });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(formatProblem(result.problems[0]!)).toMatch(/^grants\/a\.yaml:1:1: error: file is too large \(9\.0 MB; the limit is 8 MB\)/);
  });

  it('gives advice with every problem: a suggestion or a hint', () => {
    const result = load(grant('grants:\n  - client: a\n    audience: x\n    scopes: []\n'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]).toMatchObject({ suggestions: ['scope'] });
    expect(result.problems.map((p) => adviceOf(p))).toEqual([
      'Did you mean "scope"?',
      'Add `scope: [...]` listing the scopes (`scope: []` grants none), or `allow_all_scopes: true` for every scope.',
    ]);
  });
});

describe('${NAME} variables', () => {
  const settings = 'manage: all\nvars:\n  HOST: api.example.com\n  CLIENT_A: a\nexclude:\n  clients: ["${CLIENT_A}"]\n';
  it('are replaced in grant files and in the settings', () => {
    const result = load({ 'grantsync.yaml': settings, 'a.yaml': 'grants:\n  - client: a\n    audience: https://${HOST}/payments\n    scope: ["read:${HOST}"]\n' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.state.settings.exclude.clients).toEqual(['a']);
    expect(result.state.grants[0]).toMatchObject({ audience: 'https://api.example.com/payments', scope: ['read:api.example.com'] });
  });
  it('an undefined variable is an error at its line', () => {
    expect(problems({ 'grantsync.yaml': settings, 'a.yaml': 'grants:\n  - client: ${CLIENT}\n    audience: x\n    scope: []\n' })).toEqual([
      'grants/a.yaml:2:13: error: ${CLIENT} is not defined',
    ]);
  });
  it('$${NAME} is a literal', () => {
    const result = load({ 'grantsync.yaml': SETTINGS, 'a.yaml': 'grants:\n  - client: $${X}\n    audience: x\n    scope: []\n' });
    expect(result.ok && result.state.grants[0]!.client).toBe('${X}');
  });
  it('vars must be a mapping of text', () => {
    expect(problems({ 'grantsync.yaml': 'manage: all\nvars:\n  PORT: 8080\n', 'a.yaml': 'grants: []\n' })).toEqual([
      'grants/grantsync.yaml:3:9: error: `vars.PORT` must be a string, but it is the number 8080',
    ]);
  });
});
