// How many grants each audience holds, counted from the files' text before they are parsed. Pure.
//
// A plan lists the tenant's grants either once or per API side by side, whichever takes no more
// pages (src/apply/verify-reads.ts). The choice needs the number of grants per API, and parsing
// 10,000 grants takes seconds; counting `audience:` keys in the raw text takes milliseconds, so the
// listing can start with the first requests instead of after the parse (issue 14). The count only
// chooses HOW the grants are read, never which: a file the scan misreads (anchors, merge keys,
// `${VAR}` values) can cost a few pages more, never a different plan.

/** An `audience` key, bare or quoted, and the rest of its line. */
const AUDIENCE_KEY = /(?<=^|[\s{,])["']?audience["']?[ \t]*:[ \t]*(?=([^\n]*))/gm;

/**
 * Grants per audience value, as written (the Management API's alias is mapped by the caller).
 * Exact for block style and for flow mappings on one line (as `yaml` writes either); a key inside a
 * flow mapping that spans lines is read as block style.
 */
export function countAudiences(texts: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const match of text.matchAll(AUDIENCE_KEY)) {
      const lineStart = text.lastIndexOf('\n', match.index) + 1;
      const before = text.slice(lineStart, match.index);
      if (/(?:^|\s)#/.test(before)) continue;
      const audience = valueOf(match[1]!, /[{,]\s*$/.test(before));
      if (audience !== undefined) counts.set(audience, (counts.get(audience) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * The scalar at the start of `rest`: quoted, or plain. A plain scalar ends at a comment, and inside
 * a flow mapping also at `,`, `}` or `]`. Undefined when the value is not a scalar on this line.
 */
function valueOf(rest: string, inFlow: boolean): string | undefined {
  const quoted = /^(?:"([^"]*)"|'([^']*)')/.exec(rest);
  if (quoted) return quoted[1] ?? quoted[2];
  const plain = (inFlow ? /^[^,{}[\]]*/ : /^.*/).exec(rest)![0].replace(/\s+#.*$/, '').trim();
  return plain === '' || plain.startsWith('#') || /^[[{&*!|>]/.test(plain) ? undefined : plain;
}
