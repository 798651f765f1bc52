// The text export writes (src/export/write.ts), byte for byte: scalars that read back as written,
// comments that a line break cannot end, the grant and settings files, file names and their order.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { doubleQuoted, layoutFiles, renderGrantFile, renderSettingsFile, scalar, slug, type ExportGrant } from '../../src/export/write.js';

describe('scalar', () => {
  it.each<[string, string]>([
    ['read:users', 'read:users'],
    ['https://api.example.com/v1', 'https://api.example.com/v1'],
    ['a_b.c@d+e-f', 'a_b.c@d+e-f'],
    ['x', 'x'],
    ['9lives', '"9lives"'],
    ['.5', '".5"'],
    ['+1', '"+1"'],
    ['true', '"true"'],
    ['No', '"No"'],
    ['ON', '"ON"'],
    ['y', '"y"'],
    ['~', '"~"'],
    ['null', '"null"'],
    ['False', '"False"'],
    ['off', '"off"'],
    ['n', '"n"'],
    ['YES', '"YES"'],
    ['0x1F', '"0x1F"'],
    ['nope', 'nope'],
    ['yes2', 'yes2'],
    ['offline', 'offline'],
    ['a:', '"a:"'],
    ['a-', 'a-'],
    ['-a', '"-a"'],
    [':a', '":a"'],
    ['a b', '"a b"'],
    ['a#b', '"a#b"'],
    ['', '""'],
    ['${HOST}', '"$${HOST}"'],
  ])('%j is written %s', (value, written) => {
    expect(scalar(value)).toBe(written);
    expect(parse(`k: ${written}`)).toEqual({ k: written.startsWith('"') ? JSON.parse(written) : written });
  });

  it('keeps ${NAME} when asked', () => {
    expect(scalar('${HOST}', { keepPlaceholders: true })).toBe('"${HOST}"');
    expect(scalar('a${B}', {})).toBe('"a$${B}"');
  });
});

describe('doubleQuoted', () => {
  it.each<[string, string]>([
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['a\\b', '"a\\\\b"'],
    ['a\nb\rc\td', '"a\\nb\\rc\\td"'],
    ['\u0000\u0001\u001f', '"\\u0000\\u0001\\u001f"'],
    ['\u007f\u0085\u009f', '"\\u007f\\u0085\\u009f"'],
    ['\u2028\u2029\ufeff\ufffe\uffff', '"\\u2028\\u2029\\ufeff\\ufffe\\uffff"'],
    [' \u00a0é€', '" \u00a0é€"'],
    ['\ud83d\ude00', '"\ud83d\ude00"'],
    ['a\ud83db', '"a\\ud83db"'],
    ['a\ude00b', '"a\\ude00b"'],
    ['\ude00\ud83d', '"\\ude00\\ud83d"'],
  ])('%j', (value, written) => {
    expect(doubleQuoted(value)).toBe(written);
    expect(parse(`k: ${written}`)).toEqual({ k: value });
  });
});

const grant = (client: ExportGrant['client'], over: Partial<ExportGrant> = {}): ExportGrant => ({ client, audience: 'https://pay', scope: ['write', 'read'], subject_type: 'client', ...over });

describe('renderGrantFile', () => {
  it('an empty file', () => {
    expect(renderGrantFile({ name: 'pay.yaml', audience: 'https://pay', title: 'Pay', grants: [] }, '../schema.json')).toBe(
      '# yaml-language-server: $schema=../schema.json\n# Written by `grantsync export`.\n# Pay\ngrants: []\n',
    );
  });

  it('default grants first, then by name or id, then subject type; every field in its place', () => {
    const text = renderGrantFile({
      name: 'pay.yaml', audience: 'https://pay', title: 'Pay\n# grants: evil', grants: [
        grant({ name: 'zed' }, { subject_type: 'user', organization_usage: 'require', allow_any_organization: true, authorization_details_types: ['t2', 't1'], organizations: ['org b', 'org a'] }),
        grant({ name: 'zed' }),
        grant({ id: 'abd' }, { allow_all_scopes: true, organization_usage: 'deny', authorization_details_types: [], organizations: [] }),
        grant({ id: 'abc', comment: 'twin (the name is not unique)\nmanage: none' }),
        grant({ default: 'third_party_clients' }, { scope: [] }),
        grant({ name: 'true' }, { audience: 'yes' }),
        grant({ name: 'Alpha' }),
      ],
    }, 'schema.json');
    expect(text.split('\n')).toEqual([
      '# yaml-language-server: $schema=schema.json',
      '# Written by `grantsync export`.',
      '# Pay\\u000a# grants: evil',
      'grants:',
      '  - default_for: third_party_clients',
      '    audience: https://pay',
      '    scope: []',
      '  - client: Alpha',
      '    audience: https://pay',
      '    scope: [read, write]',
      '  - client_id: abc  # twin (the name is not unique)\\u000amanage: none',
      '    audience: https://pay',
      '    scope: [read, write]',
      '  - client_id: abd',
      '    audience: https://pay',
      '    allow_all_scopes: true',
      '  - client: "true"',
      '    audience: "yes"',
      '    scope: [read, write]',
      '  - client: zed',
      '    audience: https://pay',
      '    scope: [read, write]',
      '  - client: zed',
      '    audience: https://pay',
      '    scope: [read, write]',
      '    subject_type: user',
      '    organization_usage: require',
      '    allow_any_organization: true',
      '    authorization_details_types: [t1, t2]',
      '    organizations: ["org a", "org b"]',
      '',
    ]);
  });

  it('literal ${…} is escaped unless placeholders are kept', () => {
    const file = { name: 'x.yaml', audience: 'u', title: 't', grants: [grant({ name: '${WHO}' }, { audience: 'https://${HOST}/x' })] };
    expect(renderGrantFile(file, 's')).toContain('  - client: "$${WHO}"\n    audience: "https://$${HOST}/x"\n');
    expect(renderGrantFile(file, 's', { keepPlaceholders: true })).toContain('  - client: "${WHO}"\n    audience: "https://${HOST}/x"\n');
  });
});

describe('renderSettingsFile', () => {
  const header = ['# yaml-language-server: $schema=s.json', '# Written by `grantsync export`.'];

  it('the least: no pin, manage all, a budget of 10', () => {
    expect(renderSettingsFile({ excludeClients: [] }, 's.json')).toBe([...header, 'manage: all', 'max_deletes: 10', ''].join('\n'));
    expect(renderSettingsFile({ tenant: '', pipelineClients: [], excludeClients: [], allowUndefinedScopes: '', vars: [] }, 's.json')).toBe(
      [...header, 'manage: all', 'max_deletes: 10', ''].join('\n'),
    );
  });

  it('everything, names and comments escaped', () => {
    const text = renderSettingsFile({
      tenant: 'login.acme.com',
      tenantName: 'acme.eu.auth0.com',
      pipelineClients: [{ name: 'deployer', why: 'export ran as this application' }, { name: 'no', why: 'named "no" \\ here\nwith' }],
      excludeClients: [{ name: 'zeta', why: 'z' }, { name: 'alpha', why: 'a' }],
      allowUndefinedScopes: '2 grant(s) use scopes',
      vars: [{ name: 'HOST', value: '${X} "q"', comment: 'set it' }, { name: 'PLAIN', value: 'v' }],
    }, 's.json');
    expect(text.split('\n')).toEqual([
      ...header,
      'tenant: login.acme.com  # tenant acme.eu.auth0.com, reached at this address',
      '# The applications the pipeline runs as (plan and apply): their grants are never managed.',
      'pipeline_clients:',
      '  - deployer  # export ran as this application',
      '  - "no"  # named "no" \\ here\\u000awith',
      'manage: all',
      'max_deletes: 10',
      'exclude:',
      '  clients:',
      '    - alpha  # a',
      '    - zeta  # z',
      '# 2 grant(s) use scopes',
      'allow_undefined_scopes: true',
      'vars:',
      '  HOST: "${X} \\"q\\""  # set it',
      '  PLAIN: "v"',
      '',
    ]);
  });

  it('no name comment when the name is the address, whatever its case', () => {
    expect(renderSettingsFile({ tenant: 'Acme.auth0.com', tenantName: 'acme.AUTH0.com', excludeClients: [] }, 's.json')).toContain('\ntenant: Acme.auth0.com\n');
    expect(renderSettingsFile({ tenant: 'acme.auth0.com', excludeClients: [] }, 's.json')).toContain('\ntenant: acme.auth0.com\n');
  });
});

describe('file names', () => {
  it.each<[string, string]>([
    ['Orders API', 'orders-api'],
    ['https://api.example.com/orders/', 'api-example-com-orders'],
    ['http://x', 'x'],
    ['urn:stock', 'urn-stock'],
    ['--Ünïcode--', 'n-code'],
    ['!!!', 'api'],
    ['', 'api'],
    ['a'.repeat(70), 'a'.repeat(60)],
    ['ftp://x', 'ftp-x'],
    ['see https://x', 'see-https-x'],
    ['a  b', 'a-b'],
  ])('slug(%j) is %j', (text, name) => {
    expect(slug(text)).toBe(name);
  });

  it('one file per audience, in audience order, names made unique, grantsync.yaml never taken', () => {
    const grants = ['u3', 'u1', 'u2', 'u1', 'u4'].map((audience) => grant({ name: 'c' }, { audience }));
    const slugs: Record<string, string> = { u1: 'same', u2: 'same', u3: 'grantsync', u4: 'same' };
    const files = layoutFiles(grants, (audience) => ({ slug: slugs[audience]!, title: `T ${audience}` }));
    expect(files.map((f) => [f.name, f.audience, f.title, f.grants.length])).toEqual([
      ['same.yaml', 'u1', 'T u1', 2],
      ['same-2.yaml', 'u2', 'T u2', 1],
      ['grantsync-2.yaml', 'u3', 'T u3', 1],
      ['same-3.yaml', 'u4', 'T u4', 1],
    ]);
  });
});
