// A long top-level list (`grants:`) composed a slice of items at a time while the file is still
// being parsed, so that neither the yaml library's syntax tree of the whole file (about 6 KB per
// grant) nor its document nodes are ever alive at once: each finished item's tokens are composed,
// turned into its value and its place (places.ts), and dropped. The result reads as the Document
// that composing the whole file at once would give: the same errors, value and places (issue 14). Pure.
import { Composer, YAMLParseError, isMap, isSeq, type CST, type Document, type YAMLSeq } from 'yaml';
import { Composed, placeOf } from './places.js';

/** How every grant file is composed: the slices and the whole file alike. */
const COMPOSER_OPTIONS = { uniqueKeys: true, strict: true } as const;

export interface SliceOptions {
  /** Finished items gathered before they are composed: fewer, larger slices cost fewer documents. */
  minItems: number;
  /** Lexemes between two looks for finished items. */
  everyLexemes: number;
}

const SLICES: SliceOptions = { minItems: 64, everyLexemes: 2000 };

/**
 * Anchors (&), aliases (*) and tags (!) tie items to each other or to the list, and directives (%)
 * change how everything is read: with any of them in the file nothing more is composed early.
 */
const LINKING = new Set(['&', '*', '!', '%']);

export class ListItems {
  private list: CST.BlockSequence | undefined;
  private listOffset = 0;
  /** Where the next item starts to be read (the yaml library threads the end of the item before it). */
  private nextOffset = 0;
  private readonly early: Composed[] = [];
  private readonly errors: YAMLParseError[] = [];
  private off = false;
  /** The yaml library warns once per document about a key that is a list or mapping; so do the slices. */
  private keyWarned = false;

  private lexemes = 0;
  /** The file's first document token: only a list in it is composed early (a later one is an error anyway). */
  private firstDocument: CST.Token | undefined;

  constructor(private readonly slices: SliceOptions = SLICES) {}

  /** How many items were composed before the end of the file (for tests). */
  get composedEarly(): number {
    return this.early.length;
  }

  /** Every lexeme of the file, in order, each once the parser has had it (`stack`: the parser's). */
  next(lexeme: string, stack: readonly CST.Token[]): void {
    if (LINKING.has(lexeme.charAt(0))) this.off = true;
    if (this.firstDocument === undefined && stack[0]?.type === 'document') this.firstDocument = stack[0];
    if (++this.lexemes % this.slices.everyLexemes === 0) this.take(stack);
  }

  /**
   * Composes the finished items of the list open at the root (document → mapping → list) and removes
   * their tokens. The parser may still change the last two items (a comment line can move from one
   * to the one before), so those stay.
   */
  private take(stack: readonly CST.Token[]): void {
    if (this.off) return;
    const [document, map, list] = stack;
    // A token is given to its parent when it ends: the open list is the pending value of the mapping's last key.
    if (document?.type !== 'document' || map?.type !== 'block-map' || list?.type !== 'block-seq' || document.value !== undefined) return;
    // A list in a later document (after `---` or `...`) is not composed early: the file is refused
    // for holding several documents, at the first one, as when composed whole.
    if (document !== this.firstDocument) {
      this.off = true;
      return;
    }
    const pair = map.items[map.items.length - 1];
    if (pair?.sep === undefined || pair.value !== undefined) return;
    if (this.list === undefined) {
      this.list = list;
      this.listOffset = this.nextOffset = list.offset;
    } else if (this.list !== list) {
      this.off = true;
      return;
    }
    const ready = list.items.length - 2;
    if (ready < this.slices.minItems) return;
    // The same document, mapping and key around the items, so they are composed in the same context.
    const slice: CST.BlockSequence = { type: 'block-seq', offset: this.nextOffset, indent: list.indent, items: list.items.slice(0, ready) };
    const wrapper: CST.Document = {
      type: 'document',
      offset: document.offset,
      start: [],
      value: { type: 'block-map', offset: map.offset, indent: map.indent, items: [{ ...pair, value: slice }] },
      end: [],
    };
    const doc = composeFirst(wrapper);
    const composed = isMap(doc.contents) ? doc.contents.items[doc.contents.items.length - 1]?.value : undefined;
    if (!isSeq(composed)) {
      this.off = true;
      return;
    }
    list.items.splice(0, ready);
    // As Document.toJS converts (keep: values as they are), with one context for every slice; the
    // slices hold no aliases, so no alias count.
    const context = { anchors: new Map(), doc, keep: true, mapAsMap: false, mapKeyWarned: this.keyWarned, maxAliasCount: 0 };
    const values = composed.toJSON(undefined, context) as unknown[];
    this.keyWarned = context.mapKeyWarned;
    composed.items.forEach((node, i) => this.early.push(new Composed(values[i], placeOf(node))));
    // Errors before the items (the key, the document) are the whole file's, reported when it is composed.
    this.errors.push(...doc.errors.filter((error) => error.pos[0] >= this.nextOffset));
    this.nextOffset = composed.range![1];
  }

  /**
   * Composes the first document of the whole file's tokens, with the items composed so far put back in
   * (as Composed: their value and place stand in for their nodes).
   */
  compose(tokens: readonly CST.Token[], endOffset: number): Document.Parsed | undefined {
    if (this.list === undefined || this.early.length === 0) return composeFirstOf(tokens, endOffset);
    const list = this.list;
    list.offset = this.nextOffset;
    const doc = composeFirstOf(tokens, endOffset);
    list.offset = this.listOffset;
    if (!doc) return doc;
    const composed = isMap(doc.contents) ? doc.contents.items.find((p) => isSeq(p.value) && p.value.range?.[0] === this.nextOffset)?.value : undefined;
    if (!isSeq(composed)) throw new Error('internal error: the list composed in slices is missing from the document');
    (composed as YAMLSeq<unknown>).items.unshift(...this.early);
    if (this.keyWarned) doc.options.logLevel = 'silent';
    composed.range![0] = this.listOffset;
    // In the order composing the whole file gives: what precedes the list, its items, what follows.
    const at = doc.errors.findIndex((error) => error.pos[0] >= this.nextOffset);
    doc.errors.splice(at === -1 ? doc.errors.length : at, 0, ...this.errors);
    return doc;
  }
}

function composeFirst(token: CST.Document): Document.Parsed {
  return composeFirstOf([token], 0)!;
}

/** As parseDocument does: the first document, and an error if there are more. */
function composeFirstOf(tokens: readonly CST.Token[], endOffset: number): Document.Parsed | undefined {
  let doc: Document.Parsed | undefined;
  for (const next of new Composer(COMPOSER_OPTIONS).compose(tokens, true, endOffset)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
      break;
    }
  }
  return doc;
}
