// Every value from a tenant or a file is escaped for where it is printed. Pure.
//
// Targets: a terminal or CI log line (`visible`, `visibleText`, `neutralizeCommands`), markdown for
// PR comments and job summaries (`codeSpan`, `markdownText`, `markdownMessage`), JSON (`safeJson`)
// and GitHub workflow commands (`workflowCommand`, escaped the way @actions/core does).

/**
 * Characters a terminal or a log viewer acts on instead of showing: C0 (CR, LF, ESC, …), DEL, C1
 * (U+009B is a one-character CSI), the line and paragraph separators, and the bidi controls that
 * reorder what a reviewer reads (Trojan Source).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function shown(char: string): string {
  return `\\u{${char.codePointAt(0)!.toString(16)}}`;
}

/** One value on one line: every control character shown as `\u{..}`, so a value never starts a line. */
export function visible(value: string): string {
  return value.replace(CONTROL, shown);
}

/** A message that may span lines: newlines kept, every other control character shown as `\u{..}`. */
export function visibleText(text: string): string {
  return text.replace(CONTROL_BUT_NEWLINE, shown);
}

/**
 * A line the Actions runner would read as a workflow command: `::name…` (or the older `##[name]`)
 * after leading white space (.NET's, which includes NEL). The runner splits lines at CR and LF.
 */
const SPACE = '[\\t\\v\\f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]*';
const COMMAND_LINE = new RegExp(`(^|\\r\\n|\\r|\\n)(${SPACE})(::|##\\[)`, 'g');
const ONLY_SPACE = new RegExp(`^${SPACE}$`);

/** Stops any line of `text` from being a workflow command by showing its first character escaped. */
export function neutralizeCommands(text: string, atLineStart = true): string {
  return text.replace(COMMAND_LINE, (whole, brk: string, space: string, command: string, offset: number) => {
    if (offset === 0 && brk === '' && !atLineStart) return whole;
    return `${brk}${space}${shown(command[0]!)}${command.slice(1)}`;
  });
}

/**
 * The same for a stream written in pieces: remembers whether the next piece starts a line (only
 * white space since the last line break), so `out('  ')` then `out('::error::x')` is caught.
 */
export class CommandNeutralizer {
  private lineStart = true;

  get atLineStart(): boolean {
    return this.lineStart;
  }

  apply(text: string): string {
    const out = neutralizeCommands(text, this.lineStart);
    const lastBreak = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    this.lineStart = ONLY_SPACE.test(text.slice(lastBreak + 1)) && (lastBreak >= 0 || this.lineStart);
    return out;
  }
}

/**
 * Inline code that shows `value` literally whatever it holds: the fence is one backtick longer than
 * the longest run inside, padded with a space when the value starts or ends with a backtick or a
 * space. Inside a code span GitHub renders no HTML, no `<!--`, no @mention and no #reference.
 */
export function codeSpan(value: string): string {
  const text = visible(value);
  if (text === '') return '` `';
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  // CommonMark strips one space from each side of a span that is not all spaces.
  const pad = /^[` ]|[` ]$/.test(text) && text.trim() !== '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Characters that start or end inline markdown anywhere (`$` is GitHub math, `|` a table cell). */
const MARKDOWN_INLINE = /[\\`*_~[\]<>&@#|$]/g;
/** What starts a block at the beginning of a line: a list item, a thematic break, a setext heading. */
const MARKDOWN_BLOCK_START = /^(\s*)(\d*)([-+=.)])/;

/**
 * Plain markdown text that renders as exactly `value`: markup characters backslash-escaped, `<`,
 * `>` and `&` as entities (no raw HTML, no `<!--`), and a zero-width space after `@` and `#` so
 * GitHub links no @mention and no #reference.
 */
export function markdownText(value: string): string {
  const inline = visible(value).replace(MARKDOWN_INLINE, (char) => {
    if (char === '<') return '&lt;';
    if (char === '>') return '&gt;';
    if (char === '&') return '&amp;';
    if (char === '@' || char === '#') return `${char}&#8203;`;
    return `\\${char}`;
  });
  return inline.replace(MARKDOWN_BLOCK_START, (whole, space: string, digits: string, mark: string) =>
    digits || (mark !== '.' && mark !== ')') ? `${space}${digits}\\${mark}` : whole,
  );
}

/**
 * A message written with `code` quoting around values, for markdown: each backtick pair becomes a
 * safe code span and the rest safe text. A value holding backticks can only shift which parts
 * look like code; nothing becomes markup.
 */
export function markdownMessage(message: string): string {
  const parts = message.split('`');
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const closed = i % 2 === 1 && i < parts.length - 1;
    if (closed && part !== '') out += codeSpan(part);
    else if (i % 2 === 1) out += markdownText(`\`${part}${closed ? '`' : ''}`);
    else out += markdownText(part);
  }
  return out;
}

/**
 * JSON text with the characters JSON.stringify leaves raw (DEL, C1, U+2028/9, bidi controls)
 * written as \u escapes: the same JSON value, and nothing a terminal acts on.
 */
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function safeJson(json: string): string {
  return json.replace(RAW_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A workflow command line (`::error file=…,line=4::message`), escaped as @actions/core does. */
export function workflowCommand(name: string, properties: Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${escapeProperty(visible(String(value)))}`);
  return `::${name}${props.length ? ` ${props.join(',')}` : ''}::${escapeData(visible(message))}`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
