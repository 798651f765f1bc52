// What the loader says about broken YAML, hints included (loader.test.ts checks the messages): each
// kind of syntax error, ${…} in flow lists, one problem per line and at most ten per file, nesting
// too deep, a key indented too far, a byte-order mark. Through the public loader only.
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/model/types.js';
import { load, SETTINGS } from '../helpers/directory.js';

const file = (body: string) => ({ 'grantsync.yaml': SETTINGS, 'a.yaml': body });
const GENERIC = 'Fix the YAML syntax at this position (indentation, quotes and brackets are the usual causes).';

function problems(body: string): string[] {
  const result = load(file(body));
  return result.ok ? [] : result.problems.map((p: Problem) => `${p.location?.line}:${p.location?.column} ${p.message} | ${p.hint}`);
}

describe('YAML syntax errors, with their hints', () => {
  it.each([
    ['a key twice', 'grants:\n  - client: a\n    client: b\n    audience: x\n    scope: []\n', ['3:5 the same key appears twice in one mapping | Keep one of the two keys; YAML would silently use only the last one.']],
    ['two documents', 'grants: []\n---\ngrants: []\n', ['2:1 file holds several YAML documents (---) | Put one document per file: split it into several files or remove the --- separator.']],
    ['a tab', 'grants:\n\t- client: a\n', ['2:1 YAML syntax error: tabs are not allowed as indentation | Indent with spaces, not tabs.']],
    ['an unclosed list', 'grants:\n  - client: a\n    scope: [x\n', [`4:1 YAML syntax error: flow sequence in block collection must be sufficiently indented and end with a ] | ${GENERIC}`]],
    ['${…} unquoted in a list', 'grants:\n  - client: a\n    audience: x\n    scope: [read:${ENV}]\n', [
      '4:19 YAML syntax error: missing , or : between flow sequence items | Quote values that use ${…} inside [ ] or { }, e.g. scope: ["read:${ENV}"].',
    ]],
    ['a key indented too far: one problem, on its own line', 'grants:\n  - client: a\n    audience: x\n      scope: []\n', [
      '4:7 YAML syntax error: this line is indented further than the key above it | Line the key up with the other keys of its mapping (the same number of spaces).',
    ]],
    ['a list item without its dash', 'grants:\n  - client: a\n    audience: x\n    scope: []\n  - client: b\n   audience: y\n', [`6:1 YAML syntax error: sequence item without - indicator | ${GENERIC}`]],
  ])('%s', (_name, body, expected) => {
    expect(problems(body)).toEqual(expected);
  });

  it.each([
    [10, []],
    [11, ['1 more YAML syntax errors in this file']],
    [14, ['4 more YAML syntax errors in this file']],
  ])('%i broken lines: ten problems, then how many more', (lines, more) => {
    const found = problems(Array.from({ length: lines }, (_, i) => `a${i}: b: c\n`).join(''));
    expect(found.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `${i + 1}:5 YAML syntax error: nested mappings are not allowed in compact mappings | ${GENERIC}`));
    expect(found.slice(10)).toEqual(more.map((m) => `10:5 ${m} | Fix the first ones; the rest often follow from them.`));
  });
});

describe('what is refused before parsing', () => {
  it.each([
    [62, true],
    [63, false],
    [80, false],
  ])('%i nested lists (with the document and its mapping)', (depth, ok) => {
    const found = problems(`grants: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
    if (ok) expect(found.join()).not.toContain('nests');
    // Refused at the bracket that goes too deep.
    else expect(found).toEqual([`1:72 YAML nests more than 64 levels deep here | A grant file needs a few levels (grants → grant → scope list); check for unclosed [ or {.`]);
  });

  it('a byte-order mark is not part of the first key', () => {
    const result = load(file('\ufeffgrants:\n  - client: a\n    audience: x\n    scope: []\n'));
    expect(result.ok && result.state.grants.map((g) => [g.client, g.source])).toEqual([['a', { file: 'grants/a.yaml', line: 2, column: 5 }]]);
  });

  it('binary and non-UTF-8 files, with hints', () => {
    const binary = load({ 'grantsync.yaml': SETTINGS, 'a.yaml': new Uint8Array([0x67, 0x00]) });
    expect(!binary.ok && binary.problems[0]!.hint).toBe('Grant files must be UTF-8 YAML; remove the binary file or rename it so it does not end in .yaml/.yml.');
    const latin1 = load({ 'grantsync.yaml': SETTINGS, 'a.yaml': new Uint8Array([0x67, 0xe9]) });
    expect(!latin1.ok && latin1.problems[0]!.hint).toBe('Save the file as UTF-8.');
  });
});
