// Problems as `file:line:column: error: message` lines (src/render/problems.ts): with and without a
// location and a hint, file values shown visibly, no line that a runner reads as a workflow command.
import { describe, expect, it } from 'vitest';
import { formatProblem, renderProblems } from '../../src/render/problems.js';

const at = { file: 'grants/a.yaml', line: 4, column: 12 };

describe('formatProblem', () => {
  it.each([
    [{ location: at, message: 'bad' }, 'grants/a.yaml:4:12: error: bad'],
    [{ message: 'grants/grantsync.yaml is missing' }, 'error: grants/grantsync.yaml is missing'],
    [{ location: at, message: 'bad', hint: 'Fix it.' }, 'grants/a.yaml:4:12: error: bad\n  Fix it.'],
    [{ location: { ...at, file: 'a\u001b[31m.yaml' }, message: 'x\u0007', hint: 'h\u0000' }, 'a\\u{1b}[31m.yaml:4:12: error: x\\u{7}\n  h\\u{0}'],
  ])('%j', (problem, line) => {
    expect(formatProblem(problem)).toBe(line);
  });

  it('as a warning', () => {
    expect(formatProblem({ location: at, message: 'odd', severity: 'warning' })).toBe('grants/a.yaml:4:12: warning: odd');
  });

  it('a message or hint cannot start a workflow command', () => {
    const text = formatProblem({ message: 'x', hint: '::set-env name=A::b' });
    expect(text).not.toMatch(/^::/m);
    expect(text.startsWith('error: x\n  ')).toBe(true);
  });
});

describe('renderProblems', () => {
  it('one line each, ending in a newline; nothing for none', () => {
    expect(renderProblems([])).toBe('');
    expect(renderProblems([{ message: 'a' }, { location: at, message: 'b' }])).toBe('error: a\ngrants/a.yaml:4:12: error: b\n');
    expect(renderProblems([{ message: 'a', severity: 'warning' }])).toBe('warning: a\n');
  });
});
