// ${NAME} placeholders (src/config/vars.ts): reserved names, overrides from GRANTSYNC_VAR_<NAME> only,
// literals, invalid names, and escaping that substitute reads back; and duplicates the files alone reveal.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { offlineDuplicates } from '../../src/config/duplicates.js';
import { escapePlaceholders, hasPlaceholder, isReservedVar, reservedVarProblems, resolveVars, substitute } from '../../src/config/vars.js';
import type { DeclaredGrant, SourceLocation } from '../../src/model/types.js';

const at = (line: number): SourceLocation => ({ file: 'grants/grantsync.yaml', line, column: 3 });
const locate = (path: (string | number)[]): SourceLocation => ({ file: 'f', line: path.length, column: 1 });

describe('reserved names', () => {
  it.each([
    ['AUTH0_CLIENT_SECRET', true], ['auth0_x', true], ['GITHUB_TOKEN', true], ['ACTIONS_RUNTIME', true], ['RUNNER_TEMP', true], ['GRANTSYNC_VAR_X', true],
    ['MY_AUTH0_X', false], ['AUTH0', false], ['HOST', false],
  ])('%s: %s', (name, reserved) => {
    expect(isReservedVar(name)).toBe(reserved);
  });

  it('a problem at each reserved key, with a name to use instead', () => {
    expect(reservedVarProblems({ HOST: 'h', AUTH0_DOMAIN: 'x', github_token: 'y' }, (name) => at(name.length))).toEqual([
      {
        location: at(12),
        message: '`vars` cannot declare AUTH0_DOMAIN, because names starting with AUTH0_, GITHUB_, ACTIONS_, RUNNER_ or GRANTSYNC_ are read by grantsync or the CI runner and may hold secrets',
        hint: 'Rename the variable (e.g. GRANTS_DOMAIN) here and where it is used as ${AUTH0_DOMAIN}.',
      },
      {
        location: at(12),
        message: '`vars` cannot declare github_token, because names starting with AUTH0_, GITHUB_, ACTIONS_, RUNNER_ or GRANTSYNC_ are read by grantsync or the CI runner and may hold secrets',
        hint: 'Rename the variable (e.g. grants_token) here and where it is used as ${github_token}.',
      },
    ]);
    expect(reservedVarProblems(undefined, () => at(1))).toEqual([]);
  });
});

describe('resolveVars', () => {
  it('declared values, overridden only by GRANTSYNC_VAR_<NAME>, reserved names dropped', () => {
    const vars = resolveVars({ MAILER: 'm', HOST: 'h', API: 'a', AUTH0_X: 'secret' }, { GRANTSYNC_VAR_MAILER: 'env-m', HOST: 'ignored', GRANTSYNC_VAR_API: '', GRANTSYNC_VAR_AUTH0_X: 'e' });
    expect([...vars]).toEqual([['MAILER', 'env-m'], ['HOST', 'h'], ['API', '']]);
    expect(vars.overridden).toEqual(['API', 'MAILER']);
    expect([...resolveVars(undefined, {})]).toEqual([]);
  });
});

describe('substitute', () => {
  const vars = new Map([['HOST', 'api.example.com'], ['EMPTY', '']]);
  it.each<[unknown, unknown, string[]]>([
    ['https://${HOST}/x', 'https://api.example.com/x', []],
    ['${HOST}${HOST}', 'api.example.com' + 'api.example.com', []],
    ['a${EMPTY}b', 'ab', []],
    ['$${HOST} stays', '${HOST} stays', []],
    ['no placeholder } here', 'no placeholder } here', []],
    ['${HOST} then ${ unclosed', 'api.example.com then ${ unclosed', []],
    [['${HOST}', 3, null, true], ['api.example.com', 3, null, true], []],
    [{ a: { '${HOST}': '${HOST}' } }, { a: { '${HOST}': 'api.example.com' } }, []],
    ['${NOPE}', '${NOPE}', ['2|${NOPE} is not defined|Declare it under `vars:` in grantsync.yaml (the environment variable GRANTSYNC_VAR_NOPE then overrides it), or write $${NOPE} for a literal.']],
    ['${1X}', '${1X}', ['2|${1X} is not a valid placeholder|Names are letters, digits and _, not starting with a digit.']],
    ['${AUTH0_CLIENT_SECRET}', '${AUTH0_CLIENT_SECRET}', ['2|${AUTH0_CLIENT_SECRET} cannot be used: grantsync never fills a placeholder from AUTH0_* environment variables|Declare a var with another name under `vars:` in grantsync.yaml and use that.']],
  ])('%j', (input, output, problems) => {
    const result = substitute({ k: [input] }, vars, locate);
    expect(result.value).toEqual({ k: [output] });
    expect(result.problems.map((p) => `${p.location?.line}|${p.message}|${p.hint}`)).toEqual(problems);
  });

  it('skips what it is told to', () => {
    const result = substitute({ vars: { A: '${NOPE}' }, b: '${HOST}' }, vars, locate, (path) => path[0] === 'vars');
    expect(result).toEqual({ value: { vars: { A: '${NOPE}' }, b: 'api.example.com' }, problems: [] });
  });

  it('property: substitute reads escaped text back as it was', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z${}]{0,12}$/), (text) => {
        const result = substitute(escapePlaceholders(text), new Map(), locate);
        expect(result.value).toBe(text);
        expect(result.problems).toEqual([]);
      }),
    );
  });

  it.each([
    ['${A}', true], ['x${A}', true], ['$${A}', false], ['plain', false], ['$ {A}', false], ['a$${A}${B}', true],
  ])('hasPlaceholder(%s) is %s', (text, has) => {
    expect(hasPlaceholder(text)).toBe(has);
  });
});

describe('offlineDuplicates', () => {
  let line = 0;
  const grant = (extra: Partial<DeclaredGrant>): DeclaredGrant => ({ audience: 'https://a', scope: [], subject_type: 'client', source: { file: 'grants/a.yaml', line: ++line, column: 5 }, fieldLocations: {}, ...extra });

  it('the same name, or the same id, audience and subject type', () => {
    const grants = [
      grant({ client: 'billing' }), grant({ client: 'billing' }), grant({ client: 'billing', subject_type: 'user' }), grant({ client: 'billing', audience: 'https://b' }),
      grant({ client_id: 'billing' }), grant({ client_id: 'billing' }), grant({}), grant({}),
    ];
    expect(offlineDuplicates(grants).map((p) => `${p.location?.line}: ${p.message} | ${p.hint}`)).toEqual([
      `${grants[1]!.source.line}: duplicate grant: client billing → https://a (client) is also declared at grants/a.yaml:${grants[0]!.source.line}:5 | Keep one declaration and merge the scopes into it.`,
      `${grants[5]!.source.line}: duplicate grant: client_id billing → https://a (client) is also declared at grants/a.yaml:${grants[4]!.source.line}:5 | Keep one declaration and merge the scopes into it.`,
      `${grants[7]!.source.line}: duplicate grant: client_id  → https://a (client) is also declared at grants/a.yaml:${grants[6]!.source.line}:5 | Keep one declaration and merge the scopes into it.`,
    ]);
  });
});
