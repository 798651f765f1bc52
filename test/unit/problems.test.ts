// The one formatter of problems: severity and suggestions in text, markdown, JSON and annotations.
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/model/types.js';
import { adviceOf, formatProblem, problemAnnotation, problemJson, problemMarkdownItem, renderProblems } from '../../src/render/problems.js';

const at = { file: 'grants/a.yaml', line: 4, column: 13 };
const unknownClient: Problem = { location: at, message: 'no client is named "billing-wroker"', suggestions: ['billing-worker', 'billing-worker-2'] };
const emptyGrant: Problem = { severity: 'warning', rule: 'empty-scope', location: at, message: 'grant has no scopes', hint: 'Delete the grant.' };
const unheld: Problem = { severity: 'info', rule: 'unheld-scopes', message: 'nobody holds `write:x`' };

describe('problems', () => {
  it('an absent severity is an error; suggestions are the "Did you mean" advice, before the hint', () => {
    expect(formatProblem(unknownClient)).toBe('grants/a.yaml:4:13: error: no client is named "billing-wroker"\n  Did you mean "billing-worker" or "billing-worker-2"?');
    expect(adviceOf({ message: 'm', suggestions: ['a'], hint: 'Or use an id.' })).toBe('Did you mean "a"? Or use an id.');
    expect(adviceOf({ message: 'm' })).toBeUndefined();
  });

  it('text says the severity of each problem', () => {
    expect(renderProblems([emptyGrant, unheld])).toBe('grants/a.yaml:4:13: warning: grant has no scopes\n  Delete the grant.\ninfo: nobody holds `write:x`\n');
    expect(renderProblems([])).toBe('');
  });

  it('markdown: place and suggestions as code spans, warnings and notes labelled', () => {
    expect(problemMarkdownItem(unknownClient)).toBe('- `grants/a.yaml:4:13` no client is named "billing-wroker"<br>Did you mean `billing-worker` or `billing-worker-2`?');
    expect(problemMarkdownItem(emptyGrant)).toBe('- **warning** `grants/a.yaml:4:13` grant has no scopes<br>Delete the grant.');
    expect(problemMarkdownItem(unheld)).toBe('- **note** nobody holds `write:x`');
    expect(problemMarkdownItem({ message: 'x', suggestions: ['a`<!--b'] })).toBe('- x<br>Did you mean ``a`<!--b``?');
  });

  it('JSON keeps `hint` as the whole advice and adds severity, rule and suggestions', () => {
    expect(problemJson(unknownClient)).toEqual({
      severity: 'error',
      message: 'no client is named "billing-wroker"',
      file: 'grants/a.yaml',
      line: 4,
      column: 13,
      hint: 'Did you mean "billing-worker" or "billing-worker-2"?',
      suggestions: ['billing-worker', 'billing-worker-2'],
    });
    expect(problemJson(unheld)).toEqual({ severity: 'info', rule: 'unheld-scopes', message: 'nobody holds `write:x`' });
  });

  it('annotations: ::error, ::warning and ::notice by severity, every value escaped', () => {
    expect(problemAnnotation(unknownClient)).toBe(
      '::error title=grantsync,file=grants/a.yaml,line=4,col=13::no client is named "billing-wroker". Did you mean "billing-worker" or "billing-worker-2"?',
    );
    expect(problemAnnotation(emptyGrant)).toBe('::warning title=grantsync,file=grants/a.yaml,line=4,col=13::grant has no scopes. Delete the grant.');
    expect(problemAnnotation(unheld)).toBe('::notice title=grantsync::nobody holds `write:x`');
    const hostile = problemAnnotation({ severity: 'warning', location: { file: 'a,b:c.yaml', line: 1, column: 1 }, message: '50%\n::error::x', suggestions: ['y\r\n'] });
    expect(hostile).toBe('::warning title=grantsync,file=a%2Cb%3Ac.yaml,line=1,col=1::50%25\\u{a}::error::x. Did you mean "y\\u{d}\\u{a}"?');
    expect(hostile.split('\n')).toHaveLength(1);
  });
});
