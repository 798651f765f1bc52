// convertDeployCli in-process: deploy-cli's clientGrants (a tenant.yaml, or a grants/ directory of JSON)
// → export grants, its @@KEY@@ and ##KEY## keywords, and every problem and warning, with where it is.
import { describe, expect, it } from 'vitest';
import { convertDeployCli } from '../../src/export/deploy-cli.js';
import { MANAGEMENT_API_ALIAS } from '../../src/model/grant.js';

const ID = 'A'.repeat(16) + 'z9'.repeat(8);
const none = new Map<string, string>();
const yaml = (text: string, keywords: ReadonlyMap<string, string> = none) => convertDeployCli([{ path: 'tenant.yaml', text }], 'yaml', keywords);
const json = (value: unknown) => convertDeployCli([{ path: 'grants/g.json', text: JSON.stringify(value) }], 'directory', none);
/** One grant object of the directory format, converted. */
const one = (grant: Record<string, unknown>) => {
  const converted = json(grant);
  expect(converted.problems).toEqual([]);
  expect(converted.grants).toHaveLength(1);
  return converted.grants[0];
};
const where = (file: string) => ({ file, line: 1, column: 1 });

describe('convertDeployCli: one grant', () => {
  it.each<[string, Record<string, unknown>, unknown]>([
    ['a client by name, its scopes deduplicated and non-strings dropped', { client_id: 'billing', audience: 'https://pay', scope: ['b', 'a', 'b', 7, null] },
      { client: { name: 'billing' }, audience: 'https://pay', scope: ['b', 'a'], subject_type: 'client' }],
    ['a 32-character id-shaped client_id is an id', { client_id: ID, audience: 'https://pay' },
      { client: { id: ID }, audience: 'https://pay', scope: [], subject_type: 'client' }],
    ['31 or 33 characters, or a character outside [A-Za-z0-9], is a name', { client_id: ID.slice(1), audience: 'u' },
      { client: { name: ID.slice(1) }, audience: 'u', scope: [], subject_type: 'client' }],
    ['33 characters', { client_id: `${ID}a`, audience: 'u' }, { client: { name: `${ID}a` }, audience: 'u', scope: [], subject_type: 'client' }],
    ['a dash', { client_id: `${ID.slice(1)}-`, audience: 'u' }, { client: { name: `${ID.slice(1)}-` }, audience: 'u', scope: [], subject_type: 'client' }],
    ['a default grant', { default_for: 'third_party_clients', audience: 'u', scope: ['s'] },
      { client: { default: 'third_party_clients' }, audience: 'u', scope: ['s'], subject_type: 'client' }],
    ['every field it knows, for a user grant', {
      client_id: 'c', audience: 'u', scope: 'not a list', allow_all_scopes: true, subject_type: 'user', organization_usage: 'allow',
      allow_any_organization: true, authorization_details_types: ['t2', 't1', 't2', 3],
    }, {
      client: { name: 'c' }, audience: 'u', scope: [], allow_all_scopes: true, subject_type: 'user', organization_usage: 'allow',
      allow_any_organization: true, authorization_details_types: ['t2', 't1'],
    }],
    ['flags that are not true, an unknown subject type, a non-string usage and types of a client grant are left out', {
      client_id: 'c', audience: 'u', allow_all_scopes: 'yes', subject_type: 'anonymous_user', organization_usage: 1,
      allow_any_organization: 'true', authorization_details_types: ['t'],
    }, { client: { name: 'c' }, audience: 'u', scope: [], subject_type: 'client' }],
    ['a user grant without types has none', { client_id: 'c', audience: 'u', subject_type: 'user', authorization_details_types: [1] },
      { client: { name: 'c' }, audience: 'u', scope: [], subject_type: 'user' }],
    ['types that are not a list', { client_id: 'c', audience: 'u', subject_type: 'user', authorization_details_types: 't' },
      { client: { name: 'c' }, audience: 'u', scope: [], subject_type: 'user' }],
  ])('%s', (_name, grant, expected) => {
    expect(one(grant)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['https://${AUTH0_DOMAIN}/api/v2/', MANAGEMENT_API_ALIAS],
    ['https://${AUTH0_DOMAIN}/api/v2', MANAGEMENT_API_ALIAS],
    ['https://acme.eu.auth0.com/api/v2/', MANAGEMENT_API_ALIAS],
    ['https://ACME.AUTH0.COM/api/v2/', MANAGEMENT_API_ALIAS],
    ['https://acme.auth0.com.evil.example/api/v2/', 'https://acme.auth0.com.evil.example/api/v2/'],
    ['https://login.example.com/api/v2/', 'https://login.example.com/api/v2/'],
    ['http://acme.auth0.com/api/v2/', 'http://acme.auth0.com/api/v2/'],
    ['https://acme.auth0.com/api/v2/users', 'https://acme.auth0.com/api/v2/users'],
    ['xhttps://acme.auth0.com/api/v2/', 'xhttps://acme.auth0.com/api/v2/'],
    ['https://acme.auth0.com/x/api/v2/', 'https://acme.auth0.com/x/api/v2/'],
    ['https://${AUTH0_DOMAIN}x/api/v2/', 'https://${AUTH0_DOMAIN}x/api/v2/'],
  ])('the audience %s is %s', (audience, expected) => {
    expect(one({ client_id: 'c', audience })?.audience).toBe(expected);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['another default_for', { default_for: 'first_party_clients', audience: 'u' }, 'default_for "first_party_clients" is not one grantsync knows'],
    ['no audience', { client_id: 'c' }, 'needs client_id (or default_for) and audience'],
    ['an audience that is not a string', { client_id: 'c', audience: 1 }, 'needs client_id (or default_for) and audience'],
    ['no client_id and no default_for', { audience: 'u' }, 'needs client_id (or default_for) and audience'],
    ['a client_id that is not a string', { client_id: 5, audience: 'u' }, 'needs client_id (or default_for) and audience'],
  ])('%s is a problem at the file', (_name, grant, message) => {
    const converted = json(grant);
    expect(converted.grants).toEqual([]);
    expect(converted.problems).toEqual([{ location: where('grants/g.json'), message: `grants/g.json: ${message}` }]);
  });
});

describe('convertDeployCli: files', () => {
  it('reads the clientGrants list of a tenant.yaml, naming each entry by its index', () => {
    const converted = yaml(['clients: []', 'clientGrants:', '  - client_id: a', '    audience: u', '    extra: 1', '    id: cgr_1', '  - 42', '  - audience: u'].join('\n'));
    expect(converted.grants).toEqual([{ client: { name: 'a' }, audience: 'u', scope: [], subject_type: 'client' }]);
    expect(converted.warnings).toEqual([{ severity: 'warning', message: 'tenant.yaml (clientGrants[0]): field extra is not managed by grantsync and is dropped' }]);
    expect(converted.problems).toEqual([
      { location: where('tenant.yaml'), message: 'tenant.yaml (clientGrants[1]): not a grant object' },
      { location: where('tenant.yaml'), message: 'tenant.yaml (clientGrants[2]): needs client_id (or default_for) and audience' },
    ]);
  });

  it('every field deploy-cli writes is known', () => {
    const grant = {
      id: 'cgr_1', client_id: 'c', audience: 'u', scope: [], subject_type: 'client', organization_usage: 'deny', allow_any_organization: false,
      allow_all_scopes: false, authorization_details_types: [], is_system: false,
    };
    expect(json(grant).warnings).toEqual([]);
    expect(json({ default_for: 'third_party_clients', audience: 'u' }).warnings).toEqual([]);
  });

  it('a tenant.yaml without clientGrants is a warning; clientGrants that is not a list, or text that is not YAML, a problem', () => {
    expect(yaml('clients: []\n')).toEqual({
      grants: [], vars: [], problems: [], warnings: [{ severity: 'warning', location: where('tenant.yaml'), message: 'no clientGrants in this file' }],
    });
    expect(yaml('').warnings).toEqual([{ severity: 'warning', location: where('tenant.yaml'), message: 'no clientGrants in this file' }]);
    expect(yaml('clientGrants: {a: 1}\n').problems).toEqual([{ location: where('tenant.yaml'), message: 'clientGrants is not a list' }]);
    expect(yaml('clientGrants: null\n').problems).toEqual([{ location: where('tenant.yaml'), message: 'clientGrants is not a list' }]);
    const broken = yaml('clientGrants: [\n  - a: b\n');
    expect(broken.problems).toHaveLength(1);
    expect(broken.problems[0]?.location).toEqual(where('tenant.yaml'));
    expect(broken.problems[0]?.message).toMatch(/^cannot read it as YAML: \w[^\n]{20,}$/);
    const notJson = convertDeployCli([{ path: 'grants/bad.json', text: '{"a": [1,\n' }], 'directory', none);
    expect(notJson.problems[0]?.message).toMatch(/^cannot read it as JSON: /);
  });

  it('a JSON file that is not an object is a problem; files are read in order and one bad file does not stop the rest', () => {
    const converted = convertDeployCli([
      { path: 'grants/1.json', text: '"text"' },
      { path: 'grants/2.json', text: '{' },
      { path: 'grants/3.json', text: '{"client_id": "c", "audience": "u"}' },
      { path: 'grants/4.json', text: 'null' },
    ], 'directory', none);
    expect(converted.grants).toHaveLength(1);
    expect(converted.problems.map((p) => p.message.split(':')[0])).toEqual(['grants/1.json', 'cannot read it as JSON', 'grants/4.json']);
    expect(converted.problems[0]?.message).toBe('grants/1.json: not a grant object');
  });
});

describe('convertDeployCli: keywords', () => {
  const text = (scope: string) => `clientGrants:\n  - client_id: c\n    audience: https://##API_HOST##/pay\n    scope: ${scope}\n`;

  it('@@KEY@@ takes a JSON value, quoted or not; a value that is not JSON is a string', () => {
    const keywords = new Map([['SCOPES', '["a","b"]'], ['ONE', 'plain text'], ['API_HOST', 'api.example.com']]);
    expect(yaml(text('@@SCOPES@@'), keywords).grants[0]).toMatchObject({ audience: 'https://api.example.com/pay', scope: ['a', 'b'] });
    expect(yaml(text('"@@SCOPES@@"'), keywords).grants[0]?.scope).toEqual(['a', 'b']);
    expect(yaml(text("'@@SCOPES@@'"), keywords).grants[0]?.scope).toEqual(['a', 'b']);
    expect(yaml(text('[@@ONE@@]'), keywords).grants[0]?.scope).toEqual(['plain text']);
    expect(yaml(text('@@SCOPES@@'), keywords).vars).toEqual([]);
  });

  it('@@KEY@@ without a value is a problem and reads as null', () => {
    const converted = yaml(text('@@MISSING@@'), new Map([['API_HOST', 'h']]));
    expect(converted.problems).toEqual([
      { location: where('tenant.yaml'), message: '@@MISSING@@ has no value', hint: 'Pass --keyword MISSING=\'["a","b"]\' (a JSON value).' },
    ]);
    expect(converted.grants[0]?.scope).toEqual([]);
  });

  it('##KEY## without a value becomes a ${KEY} variable when a grant uses it, sorted, with how to set it', () => {
    const converted = yaml(
      'clientGrants:\n  - client_id: "##ZED##"\n    audience: https://##API_HOST##/pay\n# ##UNUSED## is in a comment only\n',
    );
    expect(converted.grants[0]).toMatchObject({ client: { name: '${ZED}' }, audience: 'https://${API_HOST}/pay' });
    expect(converted.vars).toEqual([
      { name: 'API_HOST', value: '', comment: 'deploy-cli keyword ##API_HOST##: set it here, or per run with GRANTSYNC_VAR_API_HOST=… (a plain API_HOST=… no longer overrides)' },
      { name: 'ZED', value: '', comment: 'deploy-cli keyword ##ZED##: set it here, or per run with GRANTSYNC_VAR_ZED=… (a plain ZED=… no longer overrides)' },
    ]);
    expect(converted.problems).toEqual([]);
  });

  it('@@KEY@@ without a value in a JSON file leaves the file JSON', () => {
    const converted = convertDeployCli([{ path: 'grants/g.json', text: '{"client_id": "c", "audience": "u", "scope": [@@MISSING@@, "read"]}' }], 'directory', none);
    expect(converted.problems.map((p) => p.message)).toEqual(['@@MISSING@@ has no value']);
    expect(converted.grants).toEqual([{ client: { name: 'c' }, audience: 'u', scope: ['read'], subject_type: 'client' }]);
  });

  it('a tenant.yaml may use an anchor many times (up to 1,000 aliases)', () => {
    const entries = Array.from({ length: 150 }, (_, i) => `  - { client_id: c${i}, audience: u, scope: *s }`);
    const converted = yaml(['scopes: &s [read]', 'clientGrants:', ...entries].join('\n'));
    expect(converted.problems).toEqual([]);
    expect(converted.grants).toHaveLength(150);
  });

  it('##KEY## with a value is replaced as it is', () => {
    expect(yaml(text('[x]'), new Map([['API_HOST', 'h.example']])).grants[0]?.audience).toBe('https://h.example/pay');
  });
});
