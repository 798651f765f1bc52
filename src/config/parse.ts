// YAML text → value plus a way back from a JSON path to file:line:column. Pure.
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { Problem, SourceLocation } from '../model/types.js';

/** The largest grants file we read; larger files are refused rather than parsed slowly. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** Alias expansions allowed per file: generous for real files, fatal for "billion laughs". */
const MAX_ALIAS_COUNT = 1000;

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

export function parseYamlFile(source: SourceFile): ParseResult {
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
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const position = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return at(line, col);
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const location = position(error.pos[0]);
        const line = text.split('\n', location.line)[location.line - 1] ?? '';
        return {
          location,
          message: yamlErrorMessage(error.code, error.message),
          // In [ ] and { } YAML reads `{` as the start of a mapping, so an unquoted ${NAME} breaks the list.
          hint: /[[{].*\$\{/.test(line) ? 'Quote values that use ${…} inside [ ] or { }, e.g. scope: ["read:${ENV}"].' : yamlErrorHint(error.code),
        };
      }),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return fail({
      location: at(1, 1),
      message: `YAML aliases expand too far (${(error as Error).message})`,
      hint: 'Write the values out instead of nesting aliases.',
    });
  }
  const locateNode = (path: readonly (string | number)[]): Node | undefined => nodeAt(doc, path);
  return {
    ok: true,
    file: {
      path: source.path,
      value,
      locate(path) {
        for (let depth = path.length; depth >= 0; depth--) {
          const node = locateNode(path.slice(0, depth));
          if (node?.range) return position(node.range[0]);
        }
        return at(1, 1);
      },
      locateKey(mapPath, key) {
        const map = locateNode(mapPath);
        if (isMap(map)) {
          for (const pair of map.items) {
            if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === key && pair.key.range) {
              return position(pair.key.range[0]);
            }
          }
        }
        return this.locate(mapPath);
      },
    },
  };

  function fail(problem: Problem): ParseResult {
    return { ok: false, problems: [problem] };
  }
}

function nodeAt(doc: Document, path: readonly (string | number)[]): Node | undefined {
  let node: unknown = doc.contents;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
      node = pair?.value ?? undefined;
    } else if (isSeq(node) && typeof step === 'number') {
      node = node.items[step];
    } else {
      return undefined;
    }
    if (node === undefined || node === null) return undefined;
  }
  return (node ?? undefined) as Node | undefined;
}

function yamlErrorMessage(code: string, message: string): string {
  // The yaml library appends " at line N, column M"; we print the location ourselves.
  const text = message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
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
