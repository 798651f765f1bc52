// What "escaped for its target" means, as checks a test can run on any output.
import { expect } from 'vitest';

/** Characters a terminal or log viewer acts on (newline aside): C0, DEL, C1, U+2028/9, bidi controls. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** A line the Actions runner reads as a workflow command (it trims leading white space). */
export const COMMAND_LINE = /^[\s\u0085]*(::|##\[)/;

/** Text for a terminal or a CI log: no raw control character, no line that is a workflow command. */
export function expectSafeText(text: string, allowedCommands: RegExp[] = []): void {
  const bad = RAW_CONTROL.exec(text);
  expect(bad, `raw control character U+${bad?.[0].charCodeAt(0).toString(16)} in:\n${text}`).toBeNull();
  for (const line of text.split('\n')) {
    if (COMMAND_LINE.test(line)) expect(allowedCommands.some((re) => re.test(line)), `workflow command from a value: ${line}`).toBe(true);
  }
}

export interface MarkdownScan {
  /** Contents of the inline code spans, in order. */
  spans: string[];
  /** Lines inside fenced code blocks (but Mermaid's). */
  fenced: string[];
  /** Lines inside ```mermaid blocks. */
  mermaid: string[];
  /** Everything else: what GitHub would parse as markdown and HTML. */
  prose: string;
}

/**
 * Splits markdown as CommonMark does for our purposes: fenced blocks by line, then code spans (a
 * run of n backticks closes at the next run of exactly n; backslash escapes outside spans).
 */
export function scanMarkdown(markdown: string): MarkdownScan {
  const spans: string[] = [];
  const fenced: string[] = [];
  const mermaid: string[] = [];
  let prose = '';
  let fence: string | undefined;
  let inMermaid = false;
  const paragraphs: string[] = [];
  for (const line of markdown.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
      else (inMermaid ? mermaid : fenced).push(line);
      continue;
    }
    if (marker) {
      fence = marker;
      inMermaid = line.trim() === `${marker}mermaid`;
      continue;
    }
    paragraphs.push(line);
  }
  const text = paragraphs.join('\n');
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '\\' && i + 1 < text.length) {
      prose += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (char !== '`') {
      prose += char;
      i++;
      continue;
    }
    const run = /^`+/.exec(text.slice(i))![0];
    let j = i + run.length;
    let close = -1;
    while (j < text.length) {
      const next = text.indexOf('`', j);
      if (next < 0) break;
      const other = /^`+/.exec(text.slice(next))![0];
      if (other.length === run.length) {
        close = next;
        break;
      }
      j = next + other.length;
    }
    if (close < 0) {
      prose += run;
      i += run.length;
      continue;
    }
    spans.push(text.slice(i + run.length, close));
    prose += '⟨code⟩';
    i = close + run.length;
  }
  return { spans, fenced, mermaid, prose };
}

/** The only lines of grantsync's diagram: generated ids, labels of letters, digits, `_./-` and entities. */
const LABEL = '"[A-Za-z0-9_./#;-]*(?: [A-Za-z0-9_./#;-]+)*"';
const MERMAID_LINES = [
  /^flowchart LR$/,
  /^ {2}subgraph (clients\["Clients"\]|apis\["APIs"\])$/,
  /^ {2}end$/,
  new RegExp(`^ {4}[ca]\\d+\\[${LABEL}\\]$`),
  new RegExp(`^ {2}c\\d+ (==>|-->|-\\.->)\\|${LABEL}\\| a\\d+$`),
  /^ {2}linkStyle \d+(,\d+)* stroke:#[0-9a-f]{6}(,stroke-[a-z]+:[0-9a-z ]+)*$/,
];

const OUR_TAGS = /<\/?(details|summary|sub)>|<br>/g;

/**
 * Markdown for a PR comment or job summary: no raw control character, no HTML but our own tags,
 * no `<!--`, no @mention, no stray backtick (a broken code span), no code span over two lines,
 * fenced lines only diff lines.
 */
export function expectSafeMarkdown(markdown: string): MarkdownScan {
  const bad = RAW_CONTROL.exec(markdown);
  expect(bad, `raw control character U+${bad?.[0].charCodeAt(0).toString(16)}`).toBeNull();
  const scan = scanMarkdown(markdown);
  const prose = scan.prose.replace(OUR_TAGS, '');
  expect(prose, 'raw HTML outside code').not.toMatch(/<[a-z!/?]/i);
  expect(prose).not.toContain('<!--');
  expect(prose, 'an @mention outside code').not.toMatch(/(^|[^\w\\])@[a-z0-9]/i);
  expect(prose.replace(/\\[\\`]/g, ''), 'a backtick outside code spans').not.toContain('`');
  for (const span of scan.spans) expect(span, 'a code span over two lines').not.toContain('\n');
  for (const line of scan.fenced) expect(line).toMatch(/^ {2}[-+!] /);
  for (const line of scan.mermaid) expect(MERMAID_LINES.some((re) => re.test(line)), `a Mermaid line grantsync does not write: ${line}`).toBe(true);
  return scan;
}
