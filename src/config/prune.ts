// Deletes expired entries from a grant file's text: whole grants whose `expires` day has come, and
// `{name, expires}` scope entries whose day has come. Everything else keeps its bytes: comments,
// blank lines, quoting, alignment. The yaml Document API finds the entries and their ranges, the text
// is cut at those ranges, and the result is checked against the same edit made on the Document; where
// the two disagree (a layout the cutting does not know), the Document's own rendering is used. Pure.
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { daysUntil } from '../util/day.js';

export interface PrunedEntry {
  /** 1-based line of the removed grant or scope entry in the original text. */
  line: number;
  /** The client as written (name or client_id); null for a default grant. */
  client: string | null;
  audience: string;
  /** null: the whole grant. */
  scope: string | null;
  expired_on: string;
}

export interface PruneResult {
  text: string;
  removed: PrunedEntry[];
}

interface Cut {
  start: number;
  end: number;
  insert: string;
}

/** The text without the entries expired by `today` (YYYY-MM-DD); unchanged when nothing expired. */
export function pruneExpired(text: string, today: string): PruneResult {
  const doc = parseDocument(text);
  const grants = doc.get('grants', true);
  if (doc.errors.length > 0 || !isSeq(grants) || !isMap(doc.contents)) return { text, removed: [] };
  const expired = (value: unknown): string | undefined => (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && daysUntil(value, today) <= 0 ? value : undefined);
  const line = (node: Node): number => text.slice(0, node.range![0]).split('\n').length;
  const removed: PrunedEntry[] = [];
  // Each list that loses items, with the indices it loses, and the mapping that holds it.
  const edits: { parent: YAMLMap; key: string; seq: YAMLSeq; gone: number[] }[] = [];
  const goneGrants: number[] = [];
  grants.items.forEach((item, index) => {
    if (!isMap(item)) return;
    const who = { client: str(item.get('client')) ?? str(item.get('client_id')) ?? null, audience: str(item.get('audience')) ?? '' };
    const day = expired(item.get('expires'));
    if (day) {
      goneGrants.push(index);
      removed.push({ line: line(item), ...who, scope: null, expired_on: day });
      return;
    }
    const scope = item.get('scope', true);
    if (!isSeq(scope)) return;
    const gone: number[] = [];
    scope.items.forEach((entry, i) => {
      const entryDay = isMap(entry) ? expired(entry.get('expires')) : undefined;
      if (!entryDay || !isMap(entry)) return;
      gone.push(i);
      removed.push({ line: line(entry), ...who, scope: str(entry.get('name')) ?? '', expired_on: entryDay });
    });
    if (gone.length > 0) edits.push({ parent: item, key: 'scope', seq: scope, gone });
  });
  if (removed.length === 0) return { text, removed };
  if (goneGrants.length > 0) edits.push({ parent: doc.contents, key: 'grants', seq: grants, gone: goneGrants });
  const cutText = applyCuts(text, edits.flatMap((e) => cutItems(text, e.parent, e.key, e.seq, e.gone)));
  // The same removals on the Document: the meaning the cut text must have.
  for (const edit of edits) edit.seq.items = edit.seq.items.filter((_, i) => !edit.gone.includes(i));
  const result = sameValue(cutText, doc) ? cutText : doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  return { text: result, removed: removed.sort((a, b) => a.line - b.line) };
}

/** Cuts for removing `gone` items of `seq`, the value of `key` in `parent`. */
function cutItems(text: string, parent: YAMLMap, key: string, seq: YAMLSeq, gone: number[]): Cut[] {
  if (gone.length === seq.items.length) {
    // Nothing left: `key: []`, never an empty value (which reads as null).
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
    const keyEnd = (pair?.key as Node | undefined)?.range?.[1];
    if (keyEnd === undefined) return [];
    const end = lineEnd(text, seq.range![1]);
    return [{ start: keyEnd, end, insert: text[end - 1] === '\n' ? ': []\n' : ': []' }];
  }
  if (seq.flow) {
    return gone.map((i) => {
      const item = seq.items[i] as Node;
      const next = seq.items[i + 1] as Node | undefined;
      const previous = seq.items[i - 1] as Node | undefined;
      // Take the separator with it: up to the next item, or from the end of the previous one.
      if (next && !gone.includes(i + 1)) return { start: item.range![0], end: next.range![0], insert: '' };
      return { start: previous ? previous.range![1] : item.range![0], end: item.range![1], insert: '' };
    });
  }
  return gone.map((i) => blockItemCut(text, seq.items[i] as Node));
}

/** A block item: its lines, the comment lines right above it, and one blank line when it sat between two. */
function blockItemCut(text: string, item: Node): Cut {
  let start = lineStart(text, item.range![0]);
  const end = lineEnd(text, item.range![1]);
  for (let above = previousLine(text, start); above !== undefined && /^\s*#/.test(text.slice(above, start)); above = previousLine(text, start)) start = above;
  const before = previousLine(text, start);
  const blankBefore = before !== undefined && text.slice(before, start).trim() === '';
  const blankAfter = end >= text.length || text.slice(end, lineEnd(text, end)).trim() === '';
  return { start: blankBefore && blankAfter ? before : start, end, insert: '' };
}

function applyCuts(text: string, cuts: Cut[]): string {
  let out = text;
  for (const cut of [...cuts].sort((a, b) => b.start - a.start)) out = out.slice(0, cut.start) + cut.insert + out.slice(cut.end);
  return out;
}

function sameValue(text: string, doc: Document): boolean {
  const reparsed = parseDocument(text);
  return reparsed.errors.length === 0 && JSON.stringify(reparsed.toJS()) === JSON.stringify(doc.toJS());
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset just past the newline that ends the line holding `offset` (or the end of the text). */
function lineEnd(text: string, offset: number): number {
  const at = text.indexOf('\n', Math.max(offset - 1, 0));
  return at === -1 ? text.length : at + 1;
}

function previousLine(text: string, start: number): number | undefined {
  return start === 0 ? undefined : lineStart(text, start - 1);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
