// The quick count of `audience:` keys that lets a plan choose its grant listing before the parse.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { countAudiences } from '../../src/config/audience-census.js';

const counted = (...texts: string[]): Record<string, number> => Object.fromEntries(countAudiences(texts));

describe('countAudiences', () => {
  it.each([
    ['block style', 'grants:\n  - client_id: a\n    audience: https://x/\n  - audience: https://x/\n    client: b\n', { 'https://x/': 2 }],
    ['flow style, several on a line', 'grants: [{client_id: a, audience: https://x/, scope: [r]}, {audience: https://y/,client: b}]\n', { 'https://x/': 1, 'https://y/': 1 }],
    ['quoted keys and values, JSON included', '{"grants": [{"audience":"https://x/"}, {\'audience\': \'https://y/\'}]}\n', { 'https://x/': 1, 'https://y/': 1 }],
    ['a value with an inline comment', '- audience: https://x/ # the orders API\n', { 'https://x/': 1 }],
    ['the Management API alias, as written', '- audience: management\n', { management: 1 }],
    ['a commented-out grant', '  # - audience: https://x/\n  #audience: https://y/\n', {}],
    ['a key that only ends in audience, or `audiences`', 'my_audience: https://x/\nmanage:\n  audiences: [https://y/]\n', {}],
    ['a key without a value (a nested block) or an empty value', 'audience:\n  x: 1\naudience: ""\n', { '': 1 }],
    ['a `#` inside a quoted value before the key does not hide it', '- {note: "a#b", audience: https://x/}\n', { 'https://x/': 1 }],
    ['lines ended by CR alone (old Mac files), a comment among them', 'grants:\r  # a comment\r  - audience: https://x/\r  - audience: https://y/\r', { 'https://x/': 1, 'https://y/': 1 }],
    ['a block value runs to the end of its line, commas included', '- audience: https://x/a,b\n', { 'https://x/a,b': 1 }],
    ['a flow value ends at a comma or brace', '- {audience: https://x/a, scope: [r]}\n- {audience: https://y/}\n', { 'https://x/a': 1, 'https://y/': 1 }],
    ['a value that is no scalar on its line (an anchor, alias, collection) is not counted', '- audience: *api\n- audience: [a]\n- audience: >\n', {}],
  ])('%s', (_name, text, expected) => {
    expect(counted(text)).toEqual(expected);
  });

  it('adds the counts of several files', () => {
    expect(counted('- audience: https://x/\n', '- audience: https://x/\n- audience: https://y/\n')).toEqual({ 'https://x/': 2, 'https://y/': 1 });
  });

  it('agrees with the YAML parser on grant files as yaml writes them, in block style and in flow style on one line', () => {
    const audience = fc.oneof(fc.constantFrom('https://api.example.com/', 'management', 'urn:x:y', 'https://a.example.com/v2?x=1'), fc.webUrl());
    const grant = fc.record({ client_id: fc.stringMatching(/^[A-Za-z0-9]{1,32}$/), audience, scope: fc.array(fc.constantFrom('read:x', 'write:x'), { maxLength: 2 }) });
    fc.assert(
      fc.property(fc.array(grant, { maxLength: 30 }), fc.constantFrom('block', 'flow'), (grants, style) => {
        const text = stringify({ grants }, style === 'flow' ? { collectionStyle: 'flow', lineWidth: 0 } : {});
        const parsed = (parse(text) as { grants: { audience: string }[] }).grants;
        const expected = new Map<string, number>();
        for (const g of parsed) expected.set(g.audience, (expected.get(g.audience) ?? 0) + 1);
        expect(countAudiences([text])).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  // A pull request's files are anyone's: a scan that went back to the line's start, or on to its end,
  // for each key would take minutes on these (quadratic); the test runner's time-out would stop it.
  it.each([
    ['200,000 keys on one line (flow style)', `grants: [${'{audience: https://x/, scope: []}, '.repeat(200_000)}]\n`, { 'https://x/': 200_000 }],
    ['200,000 keys after one unclosed quote', `${'- audience: "https://x/\n'.repeat(200_000)}`, {}],
    ['a key followed by 2 MB of spaces', `- audience:${' '.repeat(2_000_000)}x\n`, { x: 1 }],
    ['400,000 keys in a row, each the value of the one before', `note: ${'audience: '.repeat(400_000)}\n`, { audience: 399_999 }],
    ['a value of 2 MB', `- audience: ${'x'.repeat(2_000_000)}\n- audience: https://y/\n`, { 'https://y/': 1 }],
    ['100,000 keys on one line after a comment', `# ${'audience: x '.repeat(100_000)}\n`, {}],
  ])('stays linear on hostile text: %s', (_name, text, expected) => {
    expect(counted(text)).toEqual(expected);
  });
});
