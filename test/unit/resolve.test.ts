// resolveDesiredState in-process: names and ids, ambiguity, ownership, exclusions, pipeline_clients,
// the Management API alias, undefined scopes, and every problem and warning with its location and hint.
import { describe, expect, it } from 'vitest';
import type { DeclaredGrant, Problem, Settings, SourceLocation, TenantSnapshot } from '../../src/model/types.js';
import { MANAGEMENT_API_ALIAS } from '../../src/model/grant.js';
import { resolveDesiredState, type ResolveInput } from '../../src/resolve/resolve.js';
import { formatLocation } from '../../src/resolve/words.js';
import { adviceOf } from '../../src/render/problems.js';

const MAPI = 'https://acme.eu.auth0.com/api/v2/';
const at = (line: number, column = 1, file = 'grants/a.yaml'): SourceLocation => ({ file, line, column });

const tenant: TenantSnapshot = {
  clients: [
    { client_id: 'id-billing', name: 'billing' },
    { client_id: 'id-reports', name: 'reports' },
    { client_id: 'id-twin-1', name: 'twin' },
    { client_id: 'id-twin-2', name: 'twin' },
    { client_id: 'id-deployer', name: 'deployer' },
    { client_id: 'id-planner', name: 'planner' },
    { client_id: 'id-global', name: 'All Applications', global: true },
  ],
  resourceServers: [
    { identifier: 'https://orders', scopes: ['read:orders', 'write:orders'] },
    { identifier: 'https://stock', scopes: [] },
    { identifier: MAPI, is_system: true, scopes: ['read:users', 'create:clients'] },
  ],
  grants: [
    { id: 'sys', client_id: 'id-reports', audience: 'https://stock', is_system: true },
    { id: 'sys-no-client', audience: 'https://orders', is_system: true },
    // Not a system grant: declaring its identity is fine.
    { id: 'plain', client_id: 'id-billing', audience: 'https://orders', scope: ['read:orders'] },
  ],
};

function settings(overrides: Partial<Settings> = {}): Settings {
  return {
    manage: 'all',
    maxDeletes: 10,
    exclude: { clients: [] },
    pipelineClients: [],
    sensitiveScopes: {},
    allowUndefinedScopes: false,
    vars: {},
    include: [],
    source: at(1, 1, 'grants/grantsync.yaml'),
    locations: {},
    ...overrides,
  };
}

let line = 0;
function grant(fields: Partial<DeclaredGrant> & { audience: string }, locations: Record<string, SourceLocation> = {}): DeclaredGrant {
  line += 10;
  return { scope: [], subject_type: 'client', source: at(line), fieldLocations: locations, ...fields };
}

function resolve(input: Partial<ResolveInput> & { declared: DeclaredGrant[] }) {
  return resolveDesiredState({ settings: settings(), tenant, ...input });
}

const messages = (problems: Problem[]) => problems.map((p) => `${formatLocation(p.location)}: ${p.message} | ${adviceOf(p) ?? ''}`);

describe('resolving clients and APIs', () => {
  it('turns names, ids and the alias into desired grants keyed by id, state normalised', () => {
    const declared = [
      grant({ client: 'billing', audience: 'https://orders', scope: ['write:orders', 'read:orders', 'read:orders'], organization_usage: 'deny' }),
      grant({ client_id: 'id-twin-1', audience: MANAGEMENT_API_ALIAS, scope: ['read:users'], subject_type: 'user', organization_usage: 'allow', allow_any_organization: true }),
      grant({ client: 'reports', audience: 'https://orders', scope: [] }),
    ];
    const result = resolve({ declared });
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.desired).toEqual([
      { client_id: 'id-billing', audience: 'https://orders', subject_type: 'client', client_name: 'billing', state: { scope: ['read:orders', 'write:orders'] }, source: declared[0]!.source },
      {
        client_id: 'id-twin-1', audience: MAPI, subject_type: 'user', client_name: 'twin',
        state: { scope: ['read:users'], organization_usage: 'allow', allow_any_organization: true }, source: declared[1]!.source,
      },
      { client_id: 'id-reports', audience: 'https://orders', subject_type: 'client', client_name: 'reports', state: { scope: [] }, source: declared[2]!.source },
    ]);
    expect(result.ownership).toEqual({ manage: 'all', excludedClientIds: [] });
  });

  it('the alias names nothing in a tenant without a Management API', () => {
    const noMapi = { ...tenant, resourceServers: tenant.resourceServers.filter((rs) => !rs.is_system) };
    const result = resolve({ tenant: noMapi, declared: [grant({ client: 'billing', audience: MANAGEMENT_API_ALIAS }, { audience: at(3, 15) })] });
    expect(messages(result.problems)).toEqual([
      `grants/a.yaml:3:15: no API has the identifier "auth0-management-api" | Use the API's Identifier exactly as in the Dashboard (APIs → Settings), trailing slash included.`,
    ]);
    expect(result.desired).toEqual([]);
  });

  it('a global client is no client: neither by name nor by id', () => {
    const result = resolve({ declared: [grant({ client: 'All Applications', audience: 'https://orders' }), grant({ client_id: 'id-global', audience: 'https://orders' })] });
    expect(result.problems.map((p) => p.message)).toEqual(['no client is named "All Applications"', 'no client has client_id "id-global"']);
  });

  const problemCases: [string, DeclaredGrant, string[]][] = [
    ['unknown client id, with fieldLocation', grant({ client_id: 'id-nope', audience: 'https://orders' }, { client_id: at(2, 16) }), [
      'grants/a.yaml:2:16: no client has client_id "id-nope" | Copy the Client ID from the Dashboard (Applications → Settings), or use `client: <name>`.',
    ]],
    ['a client name written as client_id', grant({ client_id: 'billing', audience: 'https://orders' }), [
      'grants/a.yaml:{line}:1: no client has client_id "billing" | "billing" is a client name: write `client: billing` instead.',
    ]],
    ['unknown name with a suggestion', grant({ client: 'biling', audience: 'https://orders' }, { client: at(4, 13) }), [
      'grants/a.yaml:4:13: no client is named "biling" | Did you mean "billing"?',
    ]],
    ['unknown name, a close match', grant({ client: 'planer', audience: 'https://orders' }), [
      'grants/a.yaml:{line}:1: no client is named "planer" | Did you mean "planner"?',
    ]],
    ['unknown name without a suggestion', grant({ client: 'zzzzzzzzzz', audience: 'https://orders' }), [
      'grants/a.yaml:{line}:1: no client is named "zzzzzzzzzz" | Check the application name in the Dashboard, or use `client_id:`.',
    ]],
    ['ambiguous name', grant({ client: 'twin', audience: 'https://orders' }, { client: at(5, 13) }), [
      'grants/a.yaml:5:13: 2 clients are named "twin": id-twin-1, id-twin-2 | Use `client_id:` with one of these ids instead of the name.',
    ]],
    ['unknown audience with a suggestion', grant({ client: 'billing', audience: 'https://order' }, { audience: at(6, 15) }), [
      'grants/a.yaml:6:15: no API has the identifier "https://order" | Did you mean "https://orders"?',
    ]],
    ['unknown client and unknown audience: both reported', grant({ client: 'nobody-at-all', audience: 'urn:none:whatsoever' }), [
      'grants/a.yaml:{line}:1: no client is named "nobody-at-all" | Check the application name in the Dashboard, or use `client_id:`.',
      `grants/a.yaml:{line}:1: no API has the identifier "urn:none:whatsoever" | Use the API's Identifier exactly as in the Dashboard (APIs → Settings), trailing slash included.`,
    ]],
    ['undefined scopes, each at its item, with and without a suggestion', grant(
      { client: 'billing', audience: 'https://orders', scope: ['read:orders', 'read:order', 'delete:everything'] },
      { 'scope.1': at(7, 20) },
    ), [
      'grants/a.yaml:7:20: scope "read:order" is not defined by the API https://orders | Did you mean "read:orders"?',
      'grants/a.yaml:{line}:1: scope "delete:everything" is not defined by the API https://orders | Define it on the API first (APIs → Permissions), or set `allow_undefined_scopes: true` in grantsync.yaml.',
    ]],
    ['an undefined scope close to two', grant({ client: 'billing', audience: 'https://orders', scope: ['rite:orders'] }), [
      'grants/a.yaml:{line}:1: scope "rite:orders" is not defined by the API https://orders | Did you mean "write:orders" or "read:orders"?',
    ]],
    ['a grant that names no client at all', grant({ audience: 'https://orders' }), [
      'grants/a.yaml:{line}:1: no client is named "" | Did you mean "twin" or "billing" or "planner"?',
    ]],
    ['undefined scope of an unknown client is still reported', grant({ client: 'nobody-at-all', audience: 'https://stock', scope: ['x'] }), [
      'grants/a.yaml:{line}:1: no client is named "nobody-at-all" | Check the application name in the Dashboard, or use `client_id:`.',
      'grants/a.yaml:{line}:1: scope "x" is not defined by the API https://stock | Define it on the API first (APIs → Permissions), or set `allow_undefined_scopes: true` in grantsync.yaml.',
    ]],
    ['a system grant', grant({ client: 'reports', audience: 'https://stock' }, { client: at(8, 13) }), [
      'grants/a.yaml:{line}:1: reports (id-reports) → https://stock is a system grant, which Auth0 does not let anyone change | Remove this grant from the YAML.',
    ]],
  ];
  it.each(problemCases)('%s', (_name, declared, expected) => {
    const result = resolve({ declared: [declared] });
    expect(messages(result.problems)).toEqual(expected.map((m) => m.replaceAll('{line}', String(declared.source.line))));
    // Undefined scopes are problems of a grant that still resolved; anything else drops the grant.
    expect(result.desired.length).toBe(/^(undefined scopes|an undefined scope)/.test(_name) ? 1 : 0);
    expect(result.warnings).toEqual([]);
  });

  it('a system grant is one identity: the same client and API as a user grant is fine', () => {
    const result = resolve({ declared: [grant({ client: 'reports', audience: 'https://stock', subject_type: 'user' })] });
    expect(result.problems).toEqual([]);
    expect(result.desired.map((d) => d.subject_type)).toEqual(['user']);
  });

  it('allow_undefined_scopes accepts any scope', () => {
    const result = resolve({
      settings: settings({ allowUndefinedScopes: true }),
      declared: [grant({ client: 'billing', audience: 'https://orders', scope: ['anything'] })],
    });
    expect(result.problems).toEqual([]);
    expect(result.desired[0]!.state.scope).toEqual(['anything']);
  });

  it('a duplicate identity names the first declaration; a different subject_type is no duplicate', () => {
    const first = grant({ client: 'billing', audience: 'https://orders' });
    const byId = grant({ client_id: 'id-billing', audience: 'https://orders', scope: ['read:orders'] });
    const user = grant({ client: 'billing', audience: 'https://orders', subject_type: 'user' });
    const result = resolve({ declared: [first, byId, user] });
    expect(messages(result.problems)).toEqual([
      `grants/a.yaml:${byId.source.line}:1: duplicate grant: billing (id-billing) → https://orders (client) is also declared at grants/a.yaml:${first.source.line}:1 | Keep one declaration and merge the scopes into it.`,
    ]);
    expect(result.desired.map((d) => [d.subject_type, d.state.scope])).toEqual([['client', []], ['user', []]]);
  });
});

describe('ownership', () => {
  it('exclusions match by name (every client of the name) and by id, and warn about what matches nothing', () => {
    const result = resolve({
      settings: settings({
        exclude: { clients: ['twin', 'id-reports', 'biling', 'qqqqqqqqqqqq'] },
        locations: { 'exclude.clients.2': at(3, 5, 'grants/grantsync.yaml'), 'exclude.clients.3': at(4, 5, 'grants/grantsync.yaml') },
      }),
      declared: [
        grant({ client: 'reports', audience: 'https://orders' }, { client: at(2, 13) }),
        grant({ client_id: 'id-twin-2', audience: 'https://orders' }, { client_id: at(3, 16) }),
        grant({ client: 'billing', audience: 'https://orders' }),
      ],
    });
    expect(result.ownership.excludedClientIds).toEqual(['id-reports', 'id-twin-1', 'id-twin-2']);
    expect(messages(result.warnings)).toEqual([
      'grants/grantsync.yaml:3:5: exclude.clients names "biling", which matches no client in the tenant | Did you mean "billing"?',
      'grants/grantsync.yaml:4:5: exclude.clients names "qqqqqqqqqqqq", which matches no client in the tenant | Remove it if the client is gone.',
    ]);
    expect(messages(result.problems)).toEqual([
      'grants/a.yaml:2:13: reports (id-reports) is excluded in grantsync.yaml, so its grants cannot be declared here | Remove this grant, or remove the client from exclude.clients.',
      'grants/a.yaml:3:16: twin (id-twin-2) is excluded in grantsync.yaml, so its grants cannot be declared here | Remove this grant, or remove the client from exclude.clients.',
    ]);
    expect(result.desired.map((d) => d.client_id)).toEqual(['id-billing']);
  });

  it('an exclusion by id wins over a client whose name is that id', () => {
    const odd = { ...tenant, clients: [...tenant.clients, { client_id: 'id-odd', name: 'id-billing' }] };
    const result = resolve({ tenant: odd, settings: settings({ exclude: { clients: ['id-billing'] } }), declared: [] });
    expect(result.ownership.excludedClientIds).toEqual(['id-billing']);
  });

  it('manage.audiences: the alias means the Management API; unknown audiences warn; grants outside are problems', () => {
    const result = resolve({
      settings: settings({
        manage: { audiences: ['https://orders', MANAGEMENT_API_ALIAS, 'https://gone'] },
        locations: { 'manage.audiences.2': at(2, 7, 'grants/grantsync.yaml') },
      }),
      declared: [
        grant({ client: 'billing', audience: MAPI, scope: ['read:users'] }),
        grant({ client: 'billing', audience: 'https://stock' }, { audience: at(9, 15) }),
        grant({ client: 'reports', audience: 'https://stock' }),
      ],
    });
    expect(result.ownership.manage).toEqual({ audiences: ['https://orders', MAPI, 'https://gone'] });
    expect(messages(result.warnings)).toEqual([
      'grants/grantsync.yaml:2:7: manage.audiences lists "https://gone", which is not an API of this tenant | Check the identifier in the Dashboard (APIs → Settings → Identifier).',
    ]);
    const third = `grants/a.yaml:${line}:1`;
    expect(messages(result.problems)).toEqual([
      'grants/a.yaml:9:15: audience https://stock is not managed by this directory | Add it to manage.audiences in grantsync.yaml, or remove this grant.',
      `${third}: audience https://stock is not managed by this directory | Add it to manage.audiences in grantsync.yaml, or remove this grant.`,
    ]);
    expect(result.desired.map((d) => d.audience)).toEqual([MAPI]);
  });

  it('the alias in manage.audiences stays as written when the tenant has no Management API', () => {
    const noMapi = { ...tenant, resourceServers: tenant.resourceServers.filter((rs) => !rs.is_system) };
    const result = resolve({ tenant: noMapi, settings: settings({ manage: { audiences: [MANAGEMENT_API_ALIAS] } }), declared: [] });
    expect(result.ownership.manage).toEqual({ audiences: [MANAGEMENT_API_ALIAS] });
    expect(result.warnings.map((w) => w.message)).toEqual(['manage.audiences lists "auth0-management-api", which is not an API of this tenant']);
  });

  it('the running client: its grants are problems, and it is part of the ownership', () => {
    const result = resolve({
      ownClientId: 'id-deployer',
      declared: [grant({ client: 'deployer', audience: 'https://orders' }, { client: at(4, 13) }), grant({ client: 'billing', audience: 'https://orders' })],
    });
    expect(messages(result.problems)).toEqual([
      `grants/a.yaml:4:13: deployer (id-deployer) is the client grantsync runs as; grantsync never changes its own grants | Remove this grant and manage the deployer's grants by hand, so a bad commit cannot lock grantsync out.`,
    ]);
    expect(result.ownership).toEqual({ manage: 'all', excludedClientIds: [], ownClientId: 'id-deployer' });
    expect(result.desired.map((d) => d.client_id)).toEqual(['id-billing']);
  });

  it('problems are checked in order: duplicate, excluded, pipeline, own, outside manage, system', () => {
    // Each grant is wrong in every way after the first it is checked for.
    const s = settings({ manage: { audiences: ['https://orders'] }, exclude: { clients: ['reports'] }, pipelineClients: ['deployer', 'planner'] });
    const result = resolve({
      settings: s,
      ownClientId: 'id-deployer',
      declared: [
        grant({ client: 'billing', audience: 'https://orders' }),
        grant({ client: 'billing', audience: 'https://orders' }),
        grant({ client: 'reports', audience: 'https://stock' }),
        grant({ client: 'deployer', audience: 'https://stock' }),
        grant({ client: 'planner', audience: 'https://stock' }),
      ],
    });
    expect(result.problems.map((p) => p.message.split(' ').slice(0, 4).join(' '))).toEqual([
      'duplicate grant: billing (id-billing)',
      'reports (id-reports) is excluded',
      'deployer (id-deployer) is listed',
      'planner (id-planner) is listed',
    ]);
    const own = resolve({ settings: settings({ manage: { audiences: [] } }), ownClientId: 'id-reports', declared: [grant({ client: 'reports', audience: 'https://stock' })] });
    expect(own.problems.map((p) => p.message)).toEqual([
      'reports (id-reports) is the client grantsync runs as; grantsync never changes its own grants',
    ]);
    const outside = resolve({ settings: settings({ manage: { audiences: ['https://orders'] } }), declared: [grant({ client: 'reports', audience: 'https://stock' })] });
    expect(outside.problems.map((p) => p.message)).toEqual(['audience https://stock is not managed by this directory']);
  });
});

describe('pipeline_clients', () => {
  const loc = { pipeline_clients: at(5, 1, 'grants/grantsync.yaml'), 'pipeline_clients.0': at(6, 5, 'grants/grantsync.yaml'), 'pipeline_clients.1': at(7, 5, 'grants/grantsync.yaml') };
  const pipe = (entries: string[]) => settings({ pipelineClients: entries, locations: loc });

  it('by name or id; the running client among them; their grants are problems', () => {
    const result = resolve({
      settings: pipe(['planner', 'id-deployer']),
      ownClientId: 'id-deployer',
      declared: [grant({ client: 'planner', audience: 'https://orders' }, { client_id: at(3, 3) })],
    });
    expect(result.ownership).toEqual({ manage: 'all', excludedClientIds: [], pipelineClientIds: ['id-deployer', 'id-planner'], ownClientId: 'id-deployer' });
    expect(result.warnings).toEqual([]);
    expect(messages(result.problems)).toEqual([
      `grants/a.yaml:3:3: planner (id-planner) is listed in pipeline_clients; grantsync never changes the grants of the clients it runs as | Remove this grant and manage the pipeline's grants by hand, so a bad commit cannot lock the pipeline out.`,
    ]);
  });

  const cases: [string, string[], string | undefined, string[], string[]][] = [
    ['unknown entry with a suggestion', ['planer', 'deployer'], 'id-deployer', [
      'grants/grantsync.yaml:6:5: pipeline_clients names "planer", which matches no client in the tenant | Did you mean "planner"?',
    ], []],
    ['unknown entry without one', ['deployer', 'wwwwwwwwwwwww'], 'id-deployer', [
      'grants/grantsync.yaml:7:5: pipeline_clients names "wwwwwwwwwwwww", which matches no client in the tenant | Name the applications the pipeline runs as, by name or client_id.',
    ], []],
    ['ambiguous name', ['twin'], 'id-twin-1', [
      'grants/grantsync.yaml:6:5: pipeline_clients names "twin", and 2 clients have that name: id-twin-1, id-twin-2 | Use the client_id of the pipeline application instead of its name.',
    ], []],
    ['running as an unlisted client', ['planner'], 'id-billing', [
      'grants/grantsync.yaml:5:1: grantsync runs as billing (id-billing), which pipeline_clients does not list | Run with the credentials of a listed pipeline application, or add this one to pipeline_clients in a reviewed change.',
    ], []],
    ['running as a client the tenant does not list', ['planner'], 'id-elsewhere', [
      'grants/grantsync.yaml:5:1: grantsync runs as id-elsewhere, which pipeline_clients does not list | Run with the credentials of a listed pipeline application, or add this one to pipeline_clients in a reviewed change.',
    ], []],
    ['running as an unknown client (opaque token)', ['planner'], undefined, [], [
      'grants/grantsync.yaml:5:1: grantsync cannot tell which client it runs as (an opaque access token), so it cannot check that it is one of pipeline_clients | Use client credentials (AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET), or an access token that is a JWT with an azp claim.',
    ]],
    ['no pipeline_clients: nothing to check', [], 'id-billing', [], []],
    ['no pipeline_clients and an unknown running client', [], undefined, [], []],
  ];
  it.each(cases)('%s', (_name, entries, ownClientId, problems, warnings) => {
    const result = resolve({ settings: pipe(entries), ...(ownClientId ? { ownClientId } : {}), declared: [] });
    expect(messages(result.problems)).toEqual(problems);
    expect(messages(result.warnings)).toEqual(warnings);
  });

  it('the ownership lists only the entries that resolved, and none when none did', () => {
    expect(resolve({ settings: pipe(['nobody-xyz-123']), ownClientId: 'id-planner', declared: [] }).ownership).toEqual({
      manage: 'all', excludedClientIds: [], ownClientId: 'id-planner',
    });
    expect(resolve({ settings: pipe(['planner', 'nobody-xyz-123']), ownClientId: 'id-planner', declared: [] }).ownership.pipelineClientIds).toEqual(['id-planner']);
  });
});

describe('formatLocation', () => {
  it('file:line:column, or a phrase when unknown', () => {
    expect(formatLocation(at(3, 4))).toBe('grants/a.yaml:3:4');
    expect(formatLocation(undefined)).toBe('an unknown place');
  });
});
