// resolveDesiredState for the grant kinds beyond scopes: default grants (no client), allow_all_scopes,
// RAR types, organizations by name or id, and live grants with fields grantsync does not know.
import { describe, expect, it } from 'vitest';
import type { DeclaredGrant, Problem, Settings, SourceLocation, TenantSnapshot } from '../../src/model/types.js';
import { resolveDesiredState } from '../../src/resolve/resolve.js';
import { adviceOf } from '../../src/render/problems.js';
import { formatLocation } from '../../src/resolve/words.js';

const MAPI = 'https://acme.eu.auth0.com/api/v2/';
const at = (line: number, column = 1): SourceLocation => ({ file: 'grants/a.yaml', line, column });

const tenant: TenantSnapshot = {
  clients: [
    { client_id: 'id-billing', name: 'billing' },
    { client_id: 'id-portal', name: 'portal' },
    { client_id: 'id-odd', name: 'odd' },
  ],
  resourceServers: [
    { identifier: 'https://orders', scopes: ['read:orders', 'write:orders'] },
    { identifier: 'https://stock', scopes: ['read:stock'] },
    { identifier: MAPI, is_system: true, scopes: ['read:users'] },
  ],
  grants: [
    // A live grant with a key grantsync does not know: declaring its identity is refused.
    { id: 'g1', client_id: 'id-odd', audience: 'https://orders', scope: [], new_field: 1 } as never,
    // A default grant with a value grantsync does not know.
    { id: 'g2', audience: 'https://stock', default_for: 'third_party_clients', subject_type: 'anonymous_user' } as never,
    // An unknown field without a client id: no identity to refuse.
    { id: 'g3', audience: 'https://orders', default_for: 'first_party_clients' },
  ],
  organizations: [
    { id: 'org_acme', name: 'acme' },
    { id: 'org_globex', name: 'globex' },
  ],
};

function settings(overrides: Partial<Settings> = {}): Settings {
  return {
    manage: 'all', maxDeletes: 10, exclude: { clients: [] }, pipelineClients: [], sensitiveScopes: {}, allowUndefinedScopes: false,
    vars: {}, include: [], source: at(1), locations: {}, ...overrides,
  };
}
let line = 0;
function grant(fields: Partial<DeclaredGrant> & { audience: string }, locations: Record<string, SourceLocation> = {}): DeclaredGrant {
  line += 10;
  return { scope: [], subject_type: 'client', source: at(line), fieldLocations: locations, ...fields };
}
const messages = (problems: Problem[]) => problems.map((p) => `${formatLocation(p.location)}: ${p.message} | ${adviceOf(p) ?? ''}`);
const resolve = (declared: DeclaredGrant[], s: Partial<Settings> = {}) => resolveDesiredState({ settings: settings(s), declared, tenant });

describe('default grants', () => {
  it('have no client and no name: keyed by default_for', () => {
    const result = resolve([grant({ default_for: 'third_party_clients', audience: 'https://orders', scope: ['read:orders'] })]);
    expect(result.problems).toEqual([]);
    expect(result.desired).toEqual([
      { client_id: '', audience: 'https://orders', subject_type: 'client', default_for: 'third_party_clients', state: { scope: ['read:orders'] }, source: at(line) },
    ]);
  });

  it('a second one for the same API is a duplicate, said without a subject type', () => {
    const first = grant({ default_for: 'third_party_clients', audience: 'https://orders' });
    const second = grant({ default_for: 'third_party_clients', audience: 'https://orders' });
    expect(messages(resolve([first, second]).problems)).toEqual([
      `grants/a.yaml:${second.source.line}:1: duplicate grant: the default grant for third-party clients → https://orders is also declared at grants/a.yaml:${first.source.line}:1 | Keep one declaration and merge the scopes into it.`,
    ]);
  });

  it('a default grant and a client grant to one API are two identities', () => {
    const result = resolve([grant({ default_for: 'third_party_clients', audience: 'https://orders' }), grant({ client: 'billing', audience: 'https://orders' })]);
    expect(result.problems).toEqual([]);
    expect(result.desired.map((d) => [d.client_id, d.client_name])).toEqual([['', undefined], ['id-billing', 'billing']]);
  });

  it('outside manage.audiences it is refused like any grant', () => {
    const g = grant({ default_for: 'third_party_clients', audience: 'https://orders' }, { audience: at(3, 5) });
    expect(messages(resolve([g], { manage: { audiences: ['https://stock'] } }).problems)).toEqual([
      'grants/a.yaml:3:5: audience https://orders is not managed by this directory | Add it to manage.audiences in grantsync.yaml, or remove this grant.',
    ]);
    expect(resolve([g], { manage: { audiences: ['https://orders'] } }).problems).toEqual([]);
  });

  it('a live default grant with a value grantsync does not know cannot be declared', () => {
    const g = grant({ default_for: 'third_party_clients', audience: 'https://stock' });
    expect(messages(resolve([g]).problems)).toEqual([
      `grants/a.yaml:${g.source.line}:1: the live grant the default grant for third-party clients → https://stock has subject_type "anonymous_user", which grantsync does not know, so it cannot manage it | Remove this grant from the YAML and manage it in the Dashboard, or upgrade grantsync.`,
    ]);
  });

  it.each<[string, Record<string, SourceLocation>, string]>([
    ['at default_for', { default_for: at(4, 3) }, 'grants/a.yaml:4:3'],
    ['at the grant', {}, 'grants/a.yaml:{line}:1'],
  ])('not for the Management API (%s)', (_name, locations, where) => {
    const g = grant({ default_for: 'third_party_clients', audience: 'auth0-management-api', scope: ['read:users'] }, locations);
    expect(messages(resolve([g]).problems)).toEqual([
      `${where.replace('{line}', String(g.source.line))}: a default grant cannot be for the Management API; Auth0 does not grant system APIs to third-party clients | Remove this grant, or make it a grant to one application with \`client:\`.`,
    ]);
  });
});

describe('every scope, RAR types', () => {
  it('allow_all_scopes: an empty scope list, and refused on the Management API at its line', () => {
    const ok = resolve([grant({ client: 'billing', audience: 'https://orders', allow_all_scopes: true })]);
    expect(ok.problems).toEqual([]);
    expect(ok.desired[0]!.state).toEqual({ scope: [], allow_all_scopes: true });
    const g = grant({ client: 'billing', audience: MAPI, allow_all_scopes: true }, { allow_all_scopes: at(6, 7) });
    expect(messages(resolve([g]).problems)).toEqual([
      'grants/a.yaml:6:7: `allow_all_scopes` cannot be used with the Management API; Auth0 rejects it on system APIs | List the Management API scopes the client needs in `scope: [...]`.',
    ]);
  });

  it('a scope list on the Management API is fine; RAR types are kept sorted', () => {
    const result = resolve([
      grant({ client: 'billing', audience: MAPI, scope: ['read:users'] }),
      grant({ client: 'billing', audience: 'https://orders', subject_type: 'user', authorization_details_types: ['payment', 'credit'] }),
    ]);
    expect(result.problems).toEqual([]);
    expect(result.desired.map((d) => d.state)).toEqual([{ scope: ['read:users'] }, { scope: [], authorization_details_types: ['credit', 'payment'] }]);
  });
});

describe('organizations', () => {
  it('by name or id, stored as ids, sorted', () => {
    const result = resolve([grant({ client: 'billing', audience: 'https://orders', organization_usage: 'allow', organizations: ['org_globex', 'acme'] })]);
    expect(result.problems).toEqual([]);
    expect(result.desired[0]!.state).toEqual({ scope: [], organization_usage: 'allow', organizations: ['org_acme', 'org_globex'] });
  });

  it('each unknown one at its item, with a suggestion when one is near', () => {
    const g = grant(
      { client: 'billing', audience: 'https://orders', organizations: ['acme', 'acne', 'zzzzzzzzzz', 'org_nope'] },
      { organizations: at(9, 3), 'organizations.1': at(10, 7) },
    );
    const result = resolve([g]);
    expect(messages(result.problems)).toEqual([
      'grants/a.yaml:10:7: no organization is named "acne" or has that id | Did you mean "acme"?',
      "grants/a.yaml:9:3: no organization is named \"zzzzzzzzzz\" or has that id | Use the organization's name (Organizations → Settings → Name) or its id (org_…).",
      "grants/a.yaml:9:3: no organization is named \"org_nope\" or has that id | Use the organization's name (Organizations → Settings → Name) or its id (org_…).",
    ]);
    expect(result.desired).toEqual([]);
    const bare = grant({ client: 'billing', audience: 'https://orders', organizations: ['zzzzzzzzzz'] });
    expect(resolve([bare]).problems[0]!.location).toEqual(bare.source);
  });

  it('the same one twice (by name and by id) is a problem', () => {
    const g = grant({ client: 'billing', audience: 'https://orders', organizations: ['acme', 'org_acme'] }, { organizations: at(11, 3) });
    const result = resolve([g]);
    expect(messages(result.problems)).toEqual(['grants/a.yaml:11:3: `organizations` names the same organization twice (by name and by id) | Name each organization once.']);
    expect(result.desired).toEqual([]);
    const bare = grant({ client: 'billing', audience: 'https://orders', organizations: ['globex', 'globex'] });
    expect(resolve([bare]).problems.map((p) => p.location)).toEqual([bare.source]);
  });

  it('no organizations: none stored', () => {
    expect(resolve([grant({ client: 'billing', audience: 'https://orders', organizations: [] })]).desired[0]!.state).toEqual({ scope: [] });
  });
});

describe('live grants grantsync does not know', () => {
  it('a client grant with an unknown key cannot be declared; another subject type can', () => {
    const g = grant({ client: 'odd', audience: 'https://orders' });
    const result = resolve([g, grant({ client: 'odd', audience: 'https://orders', subject_type: 'user' })]);
    expect(messages(result.problems)).toEqual([
      `grants/a.yaml:${g.source.line}:1: the live grant odd (id-odd) → https://orders has key "new_field", which grantsync does not know, so it cannot manage it | Remove this grant from the YAML and manage it in the Dashboard, or upgrade grantsync.`,
    ]);
    expect(result.desired.map((d) => d.subject_type)).toEqual(['user']);
  });

  it('a grant of another client to that API is fine', () => {
    expect(resolve([grant({ client: 'portal', audience: 'https://orders' })]).problems).toEqual([]);
  });
});
