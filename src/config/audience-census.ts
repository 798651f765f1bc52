// How many grants each audience holds, counted from the files' text before they are parsed. Pure.
//
// A plan lists the tenant's grants either once or per API side by side, whichever takes no more
// pages (src/apply/verify-reads.ts). The choice needs the number of grants per API, and parsing
// 10,000 grants takes seconds; counting `audience:` keys in the raw text takes milliseconds, so the
// listing can start with the first requests instead of after the parse (issue 14). The count only
// chooses HOW the grants are read, never which: a file the scan misreads (anchors, merge keys,
// `${VAR}` values) can cost a few pages more, never a different plan.
//
// The text is anyone's (a pull request's files), so the scan is linear in it whatever it holds: one
// pass over the keys in order, each line's comment state carried forward, and values bounded.

import { finish } from '../util/steps.js';

const KEY = 'audience';
/** Longer values are no audience worth counting (Auth0 identifiers are URLs or short names). */
const MAX_VALUE = 2048;

/**
 * Grants per audience value, as written (the Management API's alias is mapped by the caller).
 * Exact for block style and for flow mappings on one line (as `yaml` writes either); a key inside a
 * flow mapping that spans lines is read as block style.
 */
export function countAudiences(texts: Iterable<string>): Map<string, number> {
  return finish(countAudiencesSteps(texts));
}

/** Keys looked at between two pauses of countAudiencesSteps: well under a millisecond of work. */
const KEYS_PER_STEP = 500;

/**
 * countAudiences in steps: it pauses (yields) after each text and every KEYS_PER_STEP keys, so that a
 * plan can count during its token's round trip while the answers that arrive are let in.
 */
export function* countAudiencesSteps(texts: Iterable<string>): Generator<void, Map<string, number>> {
  const counts = new Map<string, number>();
  let keys = 0;
  for (const text of texts) {
    yield;
    const lines = new LineState(text);
    // An `audience` key, bare or quoted, then spaces and `:` (its value follows). Found with indexOf,
    // a native search: a pattern that may begin with a quote is tried at every position (≈ 15 ms cold).
    for (let found = text.indexOf(KEY); found >= 0; found = text.indexOf(KEY, found + KEY.length)) {
      if (++keys % KEYS_PER_STEP === 0) yield;
      const at = found > 0 && isQuote(text[found - 1]) ? found - 1 : found;
      let colon = found + KEY.length;
      if (isQuote(text[colon])) colon++;
      while (text[colon] === ' ' || text[colon] === '\t') colon++;
      if (text[colon] !== ':') continue;
      // The key must start a token: at the line's start, or after whitespace, `{` or `,`.
      const previous = at > 0 ? text[at - 1]! : '\n';
      if (!/[\s{,]/.test(previous)) continue;
      if (lines.inCommentAt(at)) continue;
      const audience = valueAt(text, colon + 1, lines.flowBefore(at));
      if (audience !== undefined) counts.set(audience, (counts.get(audience) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * What is known of the current line at a position, carried forward as positions increase: where the
 * line starts, whether a comment has begun, and the last character that is not a space or tab.
 */
class LineState {
  private scanned = 0;
  private comment = false;
  private lastSolid = '';
  /** The next `\n` and `\r` at or after `scanned` (the text's length when there is none), found natively. */
  private nextLf = -1;
  private nextCr = -1;

  constructor(private readonly text: string) {}

  /** True when a `#` that starts a comment (at the line's start or after whitespace) comes before `at`. */
  inCommentAt(at: number): boolean {
    this.advance(at);
    return this.comment;
  }

  /** True when the key at `at` follows `{` or `,` on its line: inside a flow mapping. */
  flowBefore(at: number): boolean {
    this.advance(at);
    return this.lastSolid === '{' || this.lastSolid === ',';
  }

  private advance(to: number): void {
    const { text } = this;
    // A line break resets both, so the lines before the one `to` is on are skipped whole by indexOf
    // (native) instead of character by character: ≈ 30 ms less for 10,000 grants before a plan lists
    // them. Each break is found once, so this stays linear however the text is laid out.
    for (;;) {
      if (this.nextLf < this.scanned) this.nextLf = breakAt(text.indexOf('\n', this.scanned), text);
      if (this.nextCr < this.scanned) this.nextCr = breakAt(text.indexOf('\r', this.scanned), text);
      const lineBreak = Math.min(this.nextLf, this.nextCr);
      if (lineBreak >= to) break;
      this.scanned = lineBreak + 1;
      this.comment = false;
      this.lastSolid = '';
    }
    for (; this.scanned < to; this.scanned++) {
      const c = text[this.scanned]!;
      if (c === '\n' || c === '\r') {
        this.comment = false;
        this.lastSolid = '';
      } else if (c !== ' ' && c !== '\t') {
        if (c === '#' && (this.lastSolid === '' || /\s/.test(text[this.scanned - 1] ?? ' '))) this.comment = true;
        this.lastSolid = c;
      }
    }
  }
}

function isQuote(c: string | undefined): boolean {
  return c === '"' || c === "'";
}

/** indexOf's answer, with "none" as the text's end. */
function breakAt(found: number, text: string): number {
  return found < 0 ? text.length : found;
}

/**
 * The scalar that starts at `from` (after spaces): quoted, or plain. A plain scalar ends at the line's
 * end or a comment, and inside a flow mapping also at `,`, `}` or `]`. Undefined when there is no
 * scalar on this line (a nested block, an anchor, alias, collection or block scalar), or it is longer
 * than MAX_VALUE.
 */
function valueAt(text: string, from: number, inFlow: boolean): string | undefined {
  let start = from;
  while (start < text.length && (text[start] === ' ' || text[start] === '\t')) start++;
  const first = text[start];
  if (first === '"' || first === "'") {
    // Looked for within MAX_VALUE only: an unclosed quote must not make each key scan the rest of the file.
    const value = text.slice(start + 1, start + 2 + MAX_VALUE);
    const end = value.indexOf(first);
    if (end < 0) return undefined;
    const quoted = value.slice(0, end);
    return quoted.includes('\n') ? undefined : quoted;
  }
  let end = start;
  const limit = Math.min(text.length, start + MAX_VALUE + 1);
  while (end < limit) {
    const c = text[end]!;
    if (c === '\n' || c === '\r') break;
    if (inFlow && (c === ',' || c === '{' || c === '}' || c === '[' || c === ']')) break;
    if (c === '#' && end > start && /\s/.test(text[end - 1]!)) break;
    // `: ` cannot be inside a plain scalar: the next key starts there, so no two scans overlap.
    if (c === ':' && (text[end + 1] === ' ' || text[end + 1] === '\t')) break;
    end++;
  }
  if (end - start > MAX_VALUE) return undefined;
  const plain = text.slice(start, end).trim();
  return plain === '' || /^[[{&*!|>#]/.test(plain) ? undefined : plain;
}
