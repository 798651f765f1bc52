// Issue 16 item 5, unit level: the escaping module every renderer uses, for each target.
import * as core from '@actions/core';
import { describe, expect, it, vi } from 'vitest';
import { Redactor } from '../../src/api/redact.js';
import { redactingIo } from '../../src/cli/io.js';
import { codeSpan, markdownMessage, markdownText, neutralizeCommands, safeJson, visible, workflowCommand } from '../../src/util/escape.js';
import { renderMarkdown, renderProblemsMarkdown } from '../../src/render/markdown.js';
import { formatProblem } from '../../src/render/problems.js';
import { renderText } from '../../src/render/text.js';
import type { Plan } from '../../src/model/types.js';
import { expectSafeMarkdown, expectSafeText, scanMarkdown } from '../helpers/output-safety.js';

const NASTY = ['a`b', '``', '`', ' ` ', 'x```y````z', '<!-- x', '@team', '</details>', '\r::error::x', '\u001b[31m', 'a\u202eb', '\u009b2J', '', ' ', '\\', '\\`'];

describe('code spans', () => {
  it('hold any value whole, whatever its backticks, on one line', () => {
    for (const value of NASTY) {
      const span = codeSpan(value);
      const scan = scanMarkdown(`before ${span} after`);
      expect(scan.spans, JSON.stringify(value)).toHaveLength(1);
      // CommonMark strips one space from each side when both are spaces.
      const content = /^ .* $/.test(scan.spans[0]!) && scan.spans[0]!.trim() !== '' ? scan.spans[0]!.slice(1, -1) : scan.spans[0]!;
      expect(content).toBe(value === '' ? ' ' : visible(value));
      expect(scan.prose).toBe('before ⟨code⟩ after');
    }
  });
});

describe('markdown text', () => {
  it('opens no HTML, no comment, no mention, no code span', () => {
    for (const value of [...NASTY, '# heading', '- item', '1. item', '[x](https://evil)', '![i](https://evil/i.png)', '*em* _em_ ~~s~~ $x$ |t|']) {
      expectSafeMarkdown(`- ${markdownText(value)}`);
      const prose = scanMarkdown(`- ${markdownText(value)}`).prose;
      expect(prose).not.toMatch(/(^|[^\\])[[*_~$|]/);
      expect(prose, 'a heading, list item or break').not.toMatch(/^- (#+|-|\+|=+|\d+[.)])( |$)/);
    }
    expect(markdownText('@team <!-- & #12')).toBe('@&#8203;team &lt;!-- &amp; #&#8203;12');
  });

  it('keeps the backtick quoting of messages as code, and a stray backtick from a value as text', () => {
    expect(markdownMessage('no client is named `billing`')).toBe('no client is named `billing`');
    const hostile = markdownMessage('no client is named `a`b <!-- @x` here');
    expectSafeMarkdown(`- ${hostile}`);
    expect(hostile).toBe('no client is named `a`b &lt;!-- @&#8203;x\\` here');
  });
});

describe('terminal and log lines', () => {
  it('show every control character as \\u{..}', () => {
    expect(visible('a\r\n\t\u0000\u001b[31m\u007f\u0085\u009b\u2028\u2029\u202e\u2066\u200f\u061c')).toBe(
      'a\\u{d}\\u{a}\\u{9}\\u{0}\\u{1b}[31m\\u{7f}\\u{85}\\u{9b}\\u{2028}\\u{2029}\\u{202e}\\u{2066}\\u{200f}\\u{61c}',
    );
    expectSafeText(visible(NASTY.join('')));
  });

  it('never let a line start with a workflow command, after white space or a CR', () => {
    const text = '::error::a\n  ::warning::b\r::notice::c\r\n##[error]d\n\u00a0::debug::e\nok ::not-at-start';
    expect(neutralizeCommands(text)).toBe('\\u{3a}:error::a\n  \\u{3a}:warning::b\r\\u{3a}:notice::c\r\n\\u{23}#[error]d\n\u00a0\\u{3a}:debug::e\nok ::not-at-start');
  });

  it('the CLI streams catch a command split over writes, and let through only io.command', () => {
    let out = '';
    const io = redactingIo({ stdout: { write: (s: string) => (out += s) }, stderr: { write: () => undefined } }, new Redactor());
    io.out('plan for ');
    io.out('::error::mid-line is not a command\n');
    io.out('  ');
    io.out('::error::split');
    io.command('::error title=grantsync::ours');
    expect(out).toBe('plan for ::error::mid-line is not a command\n  \\u{3a}:error::split\n::error title=grantsync::ours\n');
  });

  it('text plans and problems quote values visibly', () => {
    const plan: Plan = {
      tenant: '::error::tenant',
      fingerprint: 'sha256:0',
      digest: 'sha256:1',
      summary: { create: 1, update: 0, delete: 0, replace: 0, unchanged: 0, unmanaged: 0 },
      unmanagedByReason: {},
      changes: [{ action: 'create', client_id: 'id\r::error::x', client_name: '\u001b[2Jname', audience: '::warning::aud', subject_type: 'client', before: null, after: { scope: ['\r::notice::s'] }, flags: [] }],
    };
    expectSafeText(renderText(plan, { color: false }));
    expectSafeText(formatProblem({ location: { file: '\r::error::f.yaml', line: 1, column: 1 }, message: 'no client is named "\r::error::x"', hint: '::a' }));
    expectSafeMarkdown(renderMarkdown(plan));
    expectSafeMarkdown(renderProblemsMarkdown([{ location: { file: 'a`<!--.yaml', line: 1, column: 1 }, message: '`x` @y <z>' }], '`t`'));
  });
});

describe('json and workflow commands', () => {
  it('json keeps the value but writes C1, DEL, U+2028/9 and bidi controls as \\u escapes', () => {
    const raw = JSON.stringify({ name: 'a\u009b\u007f\u2028\u202e\u001b' }, null, 2);
    const safe = safeJson(raw);
    expectSafeText(safe);
    expect(JSON.parse(safe)).toEqual(JSON.parse(raw));
  });

  it('annotations are escaped exactly as @actions/core escapes them, with control characters shown', () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const properties = { title: 'grantsync', file: 'dir,a:b%c.yaml', startLine: 4, startColumn: 12 };
    core.error('50% of "x"\nnext::error::y', properties);
    spy.mockRestore();
    expect(`${workflowCommand('error', { title: 'grantsync', file: properties.file, line: 4, col: 12 }, '50% of "x"\nnext::error::y')}\n`).toBe(
      written.join('').replace('%0A', '\\u{a}'),
    );
    expect(workflowCommand('error', { file: 'a\u001b.yaml' }, 'm\rn')).toBe('::error file=a\\u{1b}.yaml::m\\u{d}n');
  });
});
