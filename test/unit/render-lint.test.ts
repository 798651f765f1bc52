// The least-privilege section of the text and markdown plans: its counts, and the markdown cut at 50.
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/model/types.js';
import { lintCounts, lintMarkdown, lintText } from '../../src/render/lint.js';

const warning = (n: number): Problem => ({ severity: 'warning', message: `w${n}`, location: { file: 'grants/a.yaml', line: n, column: 5 } });
const note = (n: number): Problem => ({ severity: 'info', message: `n${n}`, hint: 'why' });
const many = (n: number, make: (i: number) => Problem): Problem[] => Array.from({ length: n }, (_, i) => make(i + 1));

describe('lintCounts', () => {
  it.each([
    [[], ''],
    [[warning(1)], '1 warning'],
    [[warning(1), warning(2)], '2 warnings'],
    [[note(1)], '1 note'],
    [[note(1), note(2)], '2 notes'],
    [[warning(1), note(1)], '1 warning, 1 note'],
    [[note(1), warning(1), warning(2), note(2), note(3)], '2 warnings, 3 notes'],
    // A finding without a severity is an error: it counts with the warnings, not the notes.
    [[{ message: 'e' }, note(1)], '1 warning, 1 note'],
  ] as [Problem[], string][])('%j → %s', (findings, words) => {
    expect(lintCounts(findings)).toBe(words);
  });
});

describe('lintText', () => {
  it('is nothing without findings', () => {
    expect(lintText(undefined)).toEqual([]);
    expect(lintText([])).toEqual([]);
  });

  it('heads the findings with their counts, indents each line of each, and ends with a blank line', () => {
    expect(lintText([warning(3), note(1)])).toEqual([
      'Least-privilege checks (1 warning, 1 note):',
      '  grants/a.yaml:3:5: warning: w3',
      '  info: n1',
      '    why',
      '',
    ]);
  });
});

describe('lintMarkdown', () => {
  it('is nothing without findings', () => {
    expect(lintMarkdown(undefined)).toBe('');
    expect(lintMarkdown([])).toBe('');
  });

  it('lists up to 50 findings under a heading with their counts', () => {
    const text = lintMarkdown([warning(1), note(2)]);
    expect(text.split('\n')).toEqual(['#### Least-privilege checks (1 warning, 1 note)', '', '- **warning** `grants/a.yaml:1:5` w1', '- **note** n2<br>why']);
    const fifty = lintMarkdown(many(50, warning)).split('\n');
    expect(fifty).toHaveLength(52);
    expect(fifty.at(-1)).toBe('- **warning** `grants/a.yaml:50:5` w50');
  });

  it('counts the rest past 50, and says where to see them all', () => {
    const lines = lintMarkdown([...many(49, warning), ...many(3, note)]).split('\n');
    expect(lines[0]).toBe('#### Least-privilege checks (49 warnings, 3 notes)');
    expect(lines).toHaveLength(2 + 50 + 1);
    expect(lines.at(-2)).toBe('- **note** n1<br>why');
    expect(lines.at(-1)).toBe('- … and 2 more: run `grantsync plan --format json` for all of them.');
  });
});
