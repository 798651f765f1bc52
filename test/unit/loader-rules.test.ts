// The loader's problems with their hints, one table: required keys, unknown keys with and without a
// suggestion, wrong types, enums, sets, the rules between a grant's fields (default grants, every
// scope, RAR types, organizations), the settings' `manage`, `tenant:` without variables. Then what a
// valid grant and valid settings load into. Through the public loader only.
import { describe, expect, it } from 'vitest';
import { adviceOf } from '../../src/render/problems.js';
import { load, SETTINGS } from '../helpers/directory.js';

/** One grant, its keys one per line. */
const G = (body: string) => ({ 'grantsync.yaml': SETTINGS, 'a.yaml': `grants:\n  - ${body.replace(/\n/g, '\n    ')}\n` });
const S = (settings: string) => ({ 'grantsync.yaml': settings, 'a.yaml': 'grants: []\n' });

function problems(files: Record<string, string>): string[] {
  const result = load(files);
  return result.ok ? [] : result.problems.map((p) => `${p.location?.file}:${p.location?.line}:${p.location?.column} ${p.message} | ${adviceOf(p)}`);
}

const A = 'grants/a.yaml';
const ST = 'grants/grantsync.yaml';
const ON_DEFAULT = (key: string, where: string) =>
  `${A}:${where} \`${key}\` cannot be set on a default grant (\`default_for\`); Auth0 rejects it | Remove \`${key}\`: a default grant applies to every third-party client as a machine-to-machine grant.`;
const ORGS = '`organizations` needs `organization_usage: allow` or `require`, and `allow_any_organization` false | Set `organization_usage: allow` (or `require`); with `allow_any_organization: true` the grant already applies to every organization.';

describe('grant problems and their hints', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['missing audience', G('client: a\nscope: []'), [`${A}:2:5 \`grants[0]\` is missing \`audience\` | Add \`audience: <API identifier>\`, e.g. \`audience: https://api.example.com/payments\`.`]],
    ['unknown grant key, nothing near', G('client: a\naudience: x\nscope: []\nzzzzzz: 1'), [
      `${A}:5:5 unknown key \`zzzzzz\` in \`grants[0]\` | Allowed keys here: \`client\`, \`client_id\`, \`audience\`, \`scope\`, \`subject_type\`, \`organization_usage\`, \`allow_any_organization\`, \`allow_all_scopes\`, \`authorization_details_types\`, \`default_for\`, \`organizations\`, \`expires\`.`,
    ]],
    ['unknown top-level key, nothing near', { 'grantsync.yaml': SETTINGS, 'a.yaml': 'grants: []\nqqqqqqqqq: 1\n' }, [`${A}:2:1 unknown key \`qqqqqqqqq\` | Allowed keys here: \`grants\`.`]],
    ['a boolean in quotes', G('client: a\naudience: x\nscope: []\nallow_all_scopes: "yes"'), [`${A}:5:23 \`grants[0].allow_all_scopes\` must be a boolean, but it is the text "yes" | Write \`true\` or \`false\` without quotes.`]],
    ['a number for a name', G('client: 12\naudience: x\nscope: []'), [`${A}:2:13 \`grants[0].client\` must be a string, but it is the number 12 | Quote the value if YAML reads it as a number, boolean or date.`]],
    ['a fraction for an audience', G('client: a\naudience: 1.5\nscope: []'), [`${A}:3:15 \`grants[0].audience\` must be a string, but it is the number 1.5 | Quote the value if YAML reads it as a number, boolean or date.`]],
    ['a grant that is a list', { 'grantsync.yaml': SETTINGS, 'a.yaml': 'grants:\n  - [a]\n' }, [`${A}:2:5 \`grants[0]\` must be a mapping, but it is a list | Each grant is a mapping: \`- client: …\` followed by \`audience:\` and \`scope:\`.`]],
    ['scope as a mapping', G('client: a\naudience: x\nscope: {a: 1}'), [`${A}:4:12 \`grants[0].scope\` must be a list, but it is a mapping | Write the scopes as a list: \`scope: [read:invoices, write:refunds]\`.`]],
    ['scope as a long text, shortened', G(`client: a\naudience: x\nscope: ${'y'.repeat(50)}`), [
      `${A}:4:12 \`grants[0].scope\` must be a list, but it is the text "${'y'.repeat(40)}…" | Write the scopes as a list: \`scope: [read:invoices, write:refunds]\`.`,
    ]],
    ['an enum value near one', G('client: a\naudience: x\nscope: []\nsubject_type: clint'), [`${A}:5:19 \`grants[0].subject_type\` is "clint", which is not one of \`client\`, \`user\` | Did you mean "client"?`]],
    ['an enum value near none', G('client: a\naudience: x\nscope: []\nsubject_type: 5'), [`${A}:5:19 \`grants[0].subject_type\` is 5, which is not one of \`client\`, \`user\` | Use one of client, user.`]],
    ['an organization twice', G('client: a\naudience: x\nscope: []\norganization_usage: allow\norganizations: [o, o]'), [`${A}:6:24 \`grants[0].organizations\` lists "o" twice (items 1 and 2) | Organizations are a set: remove the duplicate.`]],
    ['a RAR type twice', G('client: a\naudience: x\nscope: []\nsubject_type: user\nauthorization_details_types: [t, t]'), [`${A}:6:38 \`grants[0].authorization_details_types\` lists "t" twice (items 1 and 2) | Types are a set: remove the duplicate.`]],
    ['a scope twice', G('client: a\naudience: x\nscope: [s, t, s]'), [`${A}:4:19 \`grants[0].scope\` lists "s" twice (items 1 and 3) | Scopes are a set: remove the duplicate.`]],
    ['both client names', G('client: a\nclient_id: b\naudience: x\nscope: []'), [`${A}:2:5 grant names both \`client\` and \`client_id\` | Keep exactly one of the two: \`client\` for a unique name, \`client_id\` otherwise.`]],
    ['no client', G('audience: x\nscope: []'), [`${A}:2:5 grant names no application: it needs \`client\` (a name) or \`client_id\` | Add \`client: <application name>\` or \`client_id: <id>\` (or \`default_for: third_party_clients\` for a default grant).`]],
    ['a default grant naming a client, with fields Auth0 rejects', G('default_for: third_party_clients\nclient: a\naudience: x\nscope: []\nsubject_type: client\norganization_usage: allow\nallow_any_organization: false'), [
      `${A}:2:5 a default grant (\`default_for\`) has no client, but this one names one | Remove \`client\`/\`client_id\` for a default grant, or remove \`default_for\` for a grant to one application.`,
      ON_DEFAULT('subject_type', '6:5'),
      ON_DEFAULT('organization_usage', '7:5'),
      ON_DEFAULT('allow_any_organization', '8:5'),
    ]],
    ['a default grant naming a client id, with organizations and types', G('default_for: third_party_clients\nclient_id: a\naudience: x\nscope: []\norganizations: [o]\nauthorization_details_types: [t]'), [
      `${A}:2:5 a default grant (\`default_for\`) has no client, but this one names one | Remove \`client\`/\`client_id\` for a default grant, or remove \`default_for\` for a grant to one application.`,
      ON_DEFAULT('organizations', '6:5'),
      ON_DEFAULT('authorization_details_types', '7:5'),
      `${A}:7:5 \`authorization_details_types\` is only allowed on \`subject_type: user\` grants | Add \`subject_type: user\`, or remove \`authorization_details_types\` (Auth0 rejects it on machine-to-machine grants).`,
    ]],
    ['every scope and a scope list', G('client: a\naudience: x\nscope: []\nallow_all_scopes: true'), [`${A}:5:5 grant has both \`allow_all_scopes: true\` and \`scope\` | Keep one: \`allow_all_scopes: true\` grants every scope of the API (also later ones), \`scope: [...]\` only those listed.`]],
    ['every scope false and no scope list', G('client: a\naudience: x\nallow_all_scopes: false'), [`${A}:2:5 \`grants[0]\` is missing \`scope\` | Add \`scope: [...]\` listing the scopes (\`scope: []\` grants none), or \`allow_all_scopes: true\` for every scope.`]],
    ['RAR types on a client grant', G('client: a\naudience: x\nscope: []\nauthorization_details_types: [t]'), [`${A}:5:5 \`authorization_details_types\` is only allowed on \`subject_type: user\` grants | Add \`subject_type: user\`, or remove \`authorization_details_types\` (Auth0 rejects it on machine-to-machine grants).`]],
    ['organizations without a usage', G('client: a\naudience: x\nscope: []\norganizations: [o]'), [`${A}:5:5 ${ORGS}`]],
    ['organizations with usage deny', G('client: a\naudience: x\nscope: []\norganization_usage: deny\norganizations: [o]'), [`${A}:6:5 ${ORGS}`]],
    ['organizations with any organization', G('client: a\naudience: x\nscope: []\norganization_usage: require\nallow_any_organization: true\norganizations: [o]'), [`${A}:7:5 ${ORGS}`]],
  ])('%s', (_name, files, expected) => {
    expect(problems(files)).toEqual(expected);
  });

  it.each([
    ['every scope', 'client: a\naudience: x\nallow_all_scopes: true'],
    ['organizations with allow', 'client: a\naudience: x\nscope: []\norganization_usage: allow\norganizations: [o]'],
    ['organizations with require', 'client: a\naudience: x\nscope: []\norganization_usage: require\nallow_any_organization: false\norganizations: [o]'],
    ['a default grant', 'default_for: third_party_clients\naudience: x\nscope: []'],
    ['RAR types on a user grant', 'client: a\naudience: x\nscope: []\nsubject_type: user\nauthorization_details_types: [t]'],
  ])('no problem: %s', (_name, body) => {
    expect(problems(G(body))).toEqual([]);
  });
});

describe('what a valid grant loads into', () => {
  it('every field, and where each was written', () => {
    const result = load(G('client: a\naudience: x\nscope: [r, 5]\nsubject_type: user\norganization_usage: require\nallow_any_organization: false\norganizations: [o1, o2]\nauthorization_details_types: [t]'));
    // A scope item that is no string is a problem, and not part of the grant.
    expect(result.ok).toBe(false);
    const ok = load(G('client: a\naudience: x\nscope: [r, s]\nsubject_type: user\norganization_usage: require\nallow_any_organization: false\norganizations: [o1, o2]\nauthorization_details_types: [t, u]'));
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    const [grant] = ok.state.grants;
    expect(grant).toMatchObject({
      client: 'a', client_id: undefined, audience: 'x', scope: ['r', 's'], subject_type: 'user', organization_usage: 'require', allow_any_organization: false,
      organizations: ['o1', 'o2'], authorization_details_types: ['t', 'u'],
    });
    expect(grant).not.toHaveProperty('allow_all_scopes');
    expect(grant).not.toHaveProperty('default_for');
    expect(grant!.fieldLocations).toMatchObject({
      client: { line: 2, column: 13 }, audience: { line: 3, column: 15 }, 'scope.1': { line: 4, column: 16 }, 'organizations.0': { line: 8, column: 21 }, 'organizations.1': { line: 8, column: 25 },
    });
  });

  it('a default grant and every scope', () => {
    const result = load(G('default_for: third_party_clients\naudience: x\nallow_all_scopes: true'));
    expect(result.ok && result.state.grants[0]).toMatchObject({ default_for: 'third_party_clients', allow_all_scopes: true, subject_type: 'client', scope: [], client: undefined, client_id: undefined });
    const byId = load(G('client_id: abc\naudience: x\nscope: []'));
    expect(byId.ok && byId.state.grants[0]).toMatchObject({ client_id: 'abc', client: undefined });
    expect(byId.ok && Object.keys(byId.state.grants[0]!)).not.toContain('organizations');
  });
});

describe('settings problems and their hints', () => {
  const MANAGE = 'Write `manage: all` to own every grant of the tenant, or `manage: { audiences: [https://api.example.com] }` to own only those APIs.';
  it.each<[string, string, string[]]>([
    ['a variable in tenant', 'manage: all\nvars: {A: b}\ntenant: ${A}.auth0.com\n', [
      `${ST}:3:9 \`tenant:\` takes no variables: it pins this directory to one tenant, and a variable would let the environment move the pin | Write the host itself (tenant: acme.eu.auth0.com), with one directory (and one grantsync.yaml) per tenant.`,
    ]],
    ['max_deletes a fraction', 'manage: all\nmax_deletes: 1.5\n', [`${ST}:2:14 \`max_deletes\` must be a whole number, but it is the number 1.5 | Write a whole number without quotes.`]],
    ['max_deletes a boolean', 'manage: all\nmax_deletes: true\n', [`${ST}:2:14 \`max_deletes\` must be a whole number, but it is boolean true | Write a whole number without quotes.`]],
    ['max_deletes negative', 'manage: all\nmax_deletes: -1\n', [`${ST}:2:14 \`max_deletes\` must be 0 or more | Use a whole number such as 10.`]],
    ['manage a list', 'manage: [a]\n', [`${ST}:1:9 \`manage\` is ["a"], but it must be \`all\` or \`{ audiences: [...] }\` | ${MANAGE}`]],
    ['manage empty', 'manage:\n', [`${ST}:1:8 \`manage\` is null, but it must be \`all\` or \`{ audiences: [...] }\` | ${MANAGE}`]],
    ['manage without audiences', 'manage: {}\n', [`${ST}:1:9 \`manage\` is missing \`audiences\` | List the audiences this directory owns: \`audiences: [https://api.example.com]\`.`]],
    ['manage.audiences empty', 'manage:\n  audiences: []\n', [`${ST}:2:14 \`manage.audiences\` is an empty list | List at least one audience, or use \`manage: all\`.`]],
    ['no manage', 'max_deletes: 3\n', [`${ST}:1:1 the file is missing \`manage\` | Declare what this directory owns: \`manage: all\` or \`manage: { audiences: [...] }\`.`]],
    ['exclude with a near key', 'manage: all\nexclude: {client: [a]}\n', [`${ST}:2:11 unknown key \`client\` in \`exclude\` | Did you mean "clients"?`]],
    ['exclude with a key near none', 'manage: all\nexclude: {zzzzzzzz: [a]}\n', [`${ST}:2:11 unknown key \`zzzzzzzz\` in \`exclude\` | Allowed keys here: \`clients\`.`]],
    ['include a text', 'manage: all\ninclude: x\n', [`${ST}:2:10 \`include\` must be a list, but it is the text "x" | Write a list here.`]],
    ['sensitive_scopes a list', 'manage: all\nsensitive_scopes: [a]\n', [`${ST}:2:19 \`sensitive_scopes\` must be a mapping, but it is a list | Write a mapping here.`]],
    ['the file a list', '- a\n', [`${ST}:1:1 the file must be a mapping, but it is a list | Write a mapping here.`]],
  ])('%s', (_name, settings, expected) => {
    expect(problems(S(settings))).toEqual(expected);
  });

  it('every setting, and where each was written', () => {
    const result = load(S('manage: {audiences: [a, b]}\nexclude: {clients: [c]}\npipeline_clients: [p]\nsensitive_scopes: {a: [s]}\nallow_undefined_scopes: true\ninclude: [team]\nmax_deletes: 0\n'));
    expect(result.ok && result.state.settings).toMatchObject({
      manage: { audiences: ['a', 'b'] }, maxDeletes: 0, exclude: { clients: ['c'] }, pipelineClients: ['p'], sensitiveScopes: { a: ['s'] },
      allowUndefinedScopes: true, include: ['team'], vars: {}, varsFromEnvironment: [], source: { file: ST, line: 1, column: 1 },
      locations: {
        manage: { line: 1, column: 9 }, 'manage.audiences.1': { line: 1, column: 25 }, 'exclude.clients.0': { line: 2, column: 21 },
        'pipeline_clients.0': { line: 3, column: 20 }, max_deletes: { line: 7, column: 14 },
      },
    });
  });
});
