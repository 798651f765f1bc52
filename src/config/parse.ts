// YAML text → value plus a way back from a JSON path to file:line:column. Pure.
import { LineCounter, Lexer, Parser, type YAMLError, type CST, type Document } from 'yaml';
import { ListItems } from './list-items.js';
import { keyOffset, offsetOf, placeAt, placeOf } from './places.js';
import type { Problem, SourceLocation } from '../model/types.js';
import { excerpt } from '../util/excerpt.js';
import { finish } from '../util/steps.js';

/** The largest grants file we read; larger files are refused rather than parsed slowly. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** Alias expansions allowed per file: generous for real files, fatal for "billion laughs". */
const MAX_ALIAS_COUNT = 1000;
/**
 * Open collections (flow and block) allowed at once. A grant file needs about 6; the yaml library
 * recurses per level and slows down with depth, so a 1 MB line of `[` would take it minutes, or
 * abort the process, before it reported anything.
 */
export const MAX_NESTING = 64;
/** YAML syntax errors reported per file: one broken line can cause thousands. */
const MAX_SYNTAX_ERRORS = 10;

export interface SourceFile {
  /** The path shown in messages (relative to the working directory). */
  path: string;
  bytes: Uint8Array;
  /** The size on disk when `bytes` was not read because the file is too large. */
  size?: number;
}

export interface ParsedFile {
  path: string;
  value: unknown;
  /** The location of the node at a JSON path; for a missing key, its nearest existing parent. */
  locate(path: readonly (string | number)[]): SourceLocation;
  /** The location of a map key (for unknown-property problems), or of the map when absent. */
  locateKey(mapPath: readonly (string | number)[], key: string): SourceLocation;
}

export type ParseResult = { ok: true; file: ParsedFile } | { ok: false; problems: Problem[] };

/** `items`: how a long top-level list is composed (list-items.ts); tests compare the ways. */
export function parseYamlFile(source: SourceFile, items?: ListItems): ParseResult {
  return finish(parseYamlFileSteps(source, items));
}


/** Lexemes between two pauses of parseYamlFileSteps: well under a millisecond of work, even before the JIT warms up. */
const LEXEMES_PER_STEP = 250;

/**
 * parseYamlFile in steps: it pauses (yields) every few thousand tokens and between the stages, so
 * that the caller can let other work run (the tenant's reads) while a large file is parsed.
 */
export function* parseYamlFileSteps(source: SourceFile, items = new ListItems()): Generator<void, ParseResult> {
  const at = (line: number, column: number): SourceLocation => ({ file: source.path, line, column });
  const size = source.size ?? source.bytes.byteLength;
  if (size > MAX_FILE_BYTES) {
    const mb = (size / 1024 / 1024).toFixed(1);
    return fail({
      location: at(1, 1),
      message: `file is too large (${mb} MB; the limit is ${MAX_FILE_BYTES / 1024 / 1024} MB)`,
      hint: 'Split the grants into several files, for example one per API.',
    });
  }
  if (source.bytes.includes(0)) {
    return fail({
      location: at(1, 1),
      message: 'file is not text (it contains NUL bytes)',
      hint: 'Grant files must be UTF-8 YAML; remove the binary file or rename it so it does not end in .yaml/.yml.',
    });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(source.bytes);
  } catch {
    return fail({ location: at(1, 1), message: 'file is not valid UTF-8', hint: 'Save the file as UTF-8.' });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  const lineCounter = new LineCounter();
  const position = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return at(line, col);
  };
  const parsed = yield* parseBounded(text, lineCounter, items);
  if ('tooDeep' in parsed) {
    return fail({
      location: position(parsed.tooDeep),
      message: `YAML nests more than ${MAX_NESTING} levels deep here`,
      hint: 'A grant file needs a few levels (grants → grant → scope list); check for unclosed [ or {.',
    });
  }
  const doc = parsed.doc;
  if (doc.errors.length > 0) return { ok: false, problems: syntaxProblems(doc.errors, text, lineCounter, position) };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return fail({
      location: at(1, 1),
      message: `YAML aliases expand too far (${excerpt((error as Error).message, 160)})`,
      hint: 'Write the values out instead of nesting aliases.',
    });
  }
  // The document is dropped: its places answer every question about locations (places.ts).
  const root = placeOf(doc.contents);
  const locate = (path: readonly (string | number)[]): SourceLocation => {
    for (let depth = path.length; depth >= 0; depth--) {
      const place = placeAt(root, path.slice(0, depth));
      if (place !== undefined) return position(offsetOf(place));
    }
    return at(1, 1);
  };
  return {
    ok: true,
    file: {
      path: source.path,
      value,
      locate,
      locateKey(mapPath, key) {
        const offset = keyOffset(root, mapPath, key);
        return offset === undefined ? locate(mapPath) : position(offset);
      },
    },
  };

  function fail(problem: Problem): ParseResult {
    return { ok: false, problems: [problem] };
  }
}

/**
 * parseDocument, with the nesting checked after every token: the parser's stack is the number of
 * collections open at that point, so a file is refused as soon as it goes too deep, in linear time.
 * The items of a long top-level list are composed while the rest is parsed (list-items.ts).
 */
function* parseBounded(text: string, lineCounter: LineCounter, items: ListItems): Generator<void, { doc: Document.Parsed } | { tooDeep: number }> {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  const tokens: CST.Token[] = [];
  let lexemes = 0;
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > MAX_NESTING) return { tooDeep: parser.offset };
    items.next(lexeme, parser.stack);
    if (++lexemes % LEXEMES_PER_STEP === 0) yield;
  }
  for (const token of parser.end()) tokens.push(token);
  yield;
  const doc = items.compose(tokens, text.length);
  yield;
  return { doc: doc! };
}

/** The first few syntax errors, each with a hint drawn from its line. */
function syntaxProblems(errors: readonly YAMLError[], text: string, lineCounter: LineCounter, position: (offset: number) => SourceLocation): Problem[] {
  const all = indentationFirst(errors, text, lineCounter, position);
  // One mistake often trips several checks at the same line: report each line once, at its first error.
  const seen = new Set<number>();
  const once = all.filter((p) => !seen.has(p.location!.line) && seen.add(p.location!.line));
  const problems = once.slice(0, MAX_SYNTAX_ERRORS);
  const more = once.length - problems.length;
  if (more > 0) {
    problems.push({ location: problems[problems.length - 1]!.location, message: `${more} more YAML syntax errors in this file`, hint: 'Fix the first ones; the rest often follow from them.' });
  }
  return problems;
}

/**
 * A key indented further than the keys above it makes the yaml library report the value before it
 * twice (BLOCK_AS_IMPLICIT_KEY and MULTILINE_IMPLICIT_KEY, both at the line above). The mistake is on
 * the line where the multi-line key ends: report it there, once.
 */
function indentationFirst(errors: readonly YAMLError[], text: string, lineCounter: LineCounter, position: (offset: number) => SourceLocation): Problem[] {
  const moved = new Set<number>();
  const problems: Problem[] = [];
  const implicitKey = (code: string): boolean => code === 'BLOCK_AS_IMPLICIT_KEY' || code === 'MULTILINE_IMPLICIT_KEY';
  // Lines with another error: there the implicit-key errors follow from it (say, a line indented too little).
  const otherLines = new Set(errors.filter((e) => !implicitKey(e.code)).map((e) => position(e.pos[0]).line));
  for (const error of errors) {
    const start = position(error.pos[0]);
    const end = position(Math.max(error.pos[0], error.pos[1] - 1));
    if (error.code === 'MULTILINE_IMPLICIT_KEY' && end.line > start.line && !otherLines.has(start.line)) {
      moved.add(error.pos[0]);
      const line = lineAt(text, lineCounter, end.line);
      problems.push({
        location: { ...end, column: line.length - line.trimStart().length + 1 },
        message: 'YAML syntax error: this line is indented further than the key above it',
        hint: 'Line the key up with the other keys of its mapping (the same number of spaces).',
      });
    }
  }
  for (const error of errors) {
    if (error.code === 'BLOCK_AS_IMPLICIT_KEY' && moved.has(error.pos[0])) continue;
    if (error.code === 'MULTILINE_IMPLICIT_KEY' && moved.has(error.pos[0])) continue;
    const location = position(error.pos[0]);
    problems.push({ location, message: yamlErrorMessage(error.code, error.message), hint: syntaxHint(error.code, lineAt(text, lineCounter, location.line)) });
  }
  return problems.sort((a, b) => a.location!.line - b.location!.line || a.location!.column - b.location!.column);
}

/** Line `line` (1-based) of `text`, found through the line starts the parser recorded. */
function lineAt(text: string, lineCounter: LineCounter, line: number): string {
  const start = lineCounter.lineStarts[line - 1] ?? 0;
  const end = lineCounter.lineStarts[line] ?? text.length;
  return text.slice(start, end);
}

function syntaxHint(code: string, line: string): string {
  // In [ ] and { } YAML reads `{` as the start of a mapping, so an unquoted ${NAME} breaks the list.
  // Two linear scans: a regular expression such as /[[{].*\$\{/ backtracks quadratically on a line of `{`.
  const open = line.search(/[[{]/);
  if (open !== -1 && line.includes('${', open + 1)) return 'Quote values that use ${…} inside [ ] or { }, e.g. scope: ["read:${ENV}"].';
  return yamlErrorHint(code);
}

function yamlErrorMessage(code: string, message: string): string {
  // The yaml library appends " at line N, column M"; we print the location ourselves.
  const at = message.indexOf(' at line ');
  // Some messages quote the source (an alias, a tag): only an excerpt of it.
  const text = excerpt((at === -1 ? message : message.slice(0, at)).trim(), 160);
  if (code === 'DUPLICATE_KEY') return 'the same key appears twice in one mapping';
  if (code === 'MULTIPLE_DOCS') return 'file holds several YAML documents (---)';
  return `YAML syntax error: ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}

function yamlErrorHint(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'Keep one of the two keys; YAML would silently use only the last one.';
    case 'MULTIPLE_DOCS':
      return 'Put one document per file: split it into several files or remove the --- separator.';
    case 'TAB_AS_INDENT':
      return 'Indent with spaces, not tabs.';
    default:
      return 'Fix the YAML syntax at this position (indentation, quotes and brackets are the usual causes).';
  }
}
