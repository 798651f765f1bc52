// A long top-level list is composed a few items at a time while the file is parsed (issue 14,
// src/config/list-items.ts). Whatever the slices, the result must be the one of composing the whole
// file at once: the same value, the same problems in the same order, the same file:line:column for
// every value and key. Checked with slices of one item and more, on every YAML fixture and on
// layouts that move tokens between items (comments, blank lines, missing dashes, errors).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { ListItems, type SliceOptions } from '../../src/config/list-items.js';
import { parseYamlFile, type ParseResult } from '../../src/config/parse.js';

const WHOLE: SliceOptions = { minItems: Number.POSITIVE_INFINITY, everyLexemes: 1 };
const SLICED: SliceOptions[] = [
  { minItems: 1, everyLexemes: 1 },
  { minItems: 1, everyLexemes: 3 },
  { minItems: 2, everyLexemes: 7 },
];

const grant = (i: number): string => `  - client: app-${i}\n    audience: https://api.example.com/${i % 3}\n    scope: [read:a, write:b]\n`;
const list = (n: number, each: (i: number) => string = grant): string => Array.from({ length: n }, (_, i) => each(i)).join('');

const LAYOUTS: Record<string, string> = {
  plain: `grants:\n${list(12)}`,
  'a long list in a second document (after ---)': `grants: []\n---\ngrants:\n${list(80)}`,
  'a long list after a document end marker (...)': `grants:\n...\ngrants:\n${list(80)}`,
  'at the mapping indent': `grants:\n${list(8).replace(/^ {2}/gm, '')}`,
  'comments and blank lines between items': `# head\ngrants:\n${list(10, (i) => `${grant(i)}\n  # about ${i + 1}\n    # indented ${i}\n# left ${i}\n`)}# tail\n`,
  'a key after the list': `grants:\n${list(9)}other: 1\n`,
  'a key before and after': `a: 1\ngrants:\n${list(9)}b: [x]\n`,
  'block scalars and quoted values': `grants:\n${list(9, (i) => `  - client: "app ${i}"\n    audience: |\n      https://a/${i}\n    scope:\n      - 'read:${i}'\n      - >-\n        w\n`)}`,
  'empty and scalar items': `grants:\n${list(9, (i) => (i % 3 === 0 ? '  -\n' : i % 3 === 1 ? `  - text ${i}\n` : grant(i)))}`,
  'a duplicate key deep in the list': `grants:\n${list(8)}  - client: a\n    client: b\n${list(8)}`,
  'a missing dash deep in the list': `grants:\n${list(8)}  - client: b\n   audience: y\n${list(8)}`,
  'a key indented too far deep in the list': `grants:\n${list(8)}  - client: a\n    audience: x\n      scope: []\n${list(8)}`,
  'a tab deep in the list': `grants:\n${list(8)}\t- client: a\n${list(8)}`,
  'an unclosed flow list deep in the list': `grants:\n${list(8)}  - client: a\n    scope: [x\n${list(8)}`,
  'broken lines everywhere': `grants:\n${list(12, (i) => `  - a${i}: b: c\n`)}`,
  'an anchor and aliases': `grants:\n${list(4)}  - &g\n    client: a\n${list(6, () => '  - *g\n')}`,
  'an anchor at the top': `grants:\n  - &g\n    client: a\n${list(10, () => '  - *g\n')}`,
  'a tag at the top': `grants: !!seq\n${list(10)}`,
  'a tag on one item': `grants:\n${list(5)}  - !!map\n    client: x\n${list(5)}`,
  'a directive': `%YAML 1.2\n---\ngrants:\n${list(10)}`,
  'a tag on an item': `grants:\n${list(6)}  - !!map\n    client: a\n${list(6)}`,
  'two documents': `grants:\n${list(8)}---\ngrants:\n${list(8)}`,
  'an explicit key': `? grants\n:\n${list(8)}`,
  'nested lists': `grants:\n${list(8, (i) => `  - - ${i}\n    - - ${i}\n`)}`,
  'a flow list': `grants: [${list(9, (i) => `{client: a${i}, scope: []}, `)}]\n`,
  'scalar items with indented comments, then a missing dash': `grants:\n${list(8, (i) => `  - text ${i}\n    # about ${i}\n\n`)}  - [a]\n    # c\n   b: c\n${list(4, (i) => `  - t ${i}\n      # x\n`)}`,
  'items ending in comments': `grants:\n${list(8, (i) => `${grant(i)}    # end ${i}\n  # next\n`)}`,
};

function fixtures(dir: string): [string, string][] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
    .map((file) => [path.relative(dir, file), readFileSync(file, 'utf8')]);
}

type Locator = Pick<Extract<ParseResult, { ok: true }>['file'], 'locate' | 'locateKey'>;

/** Everything a caller can learn from a parse: the value, the problems, and where every value and key is. */
function observe(text: string, slices: SliceOptions): unknown {
  const result: ParseResult = parseYamlFile({ path: 'g.yaml', bytes: new TextEncoder().encode(text) }, new ListItems(slices));
  if (!result.ok) return { problems: result.problems };
  return observeValue(result.file.value, result.file);
}

/** What the loader answered before issue 14: the yaml library's document of the whole file, walked. */
function reference(text: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text.replace(/^\ufeff/, ''), { uniqueKeys: true, strict: true, lineCounter });
  const at = (offset: number) => ({ file: 'g.yaml', line: lineCounter.linePos(offset).line, column: lineCounter.linePos(offset).col });
  const locate = (path: readonly (string | number)[]) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = nodeAt(doc, path.slice(0, depth));
      if (node?.range) return at(node.range[0]);
    }
    return { file: 'g.yaml', line: 1, column: 1 };
  };
  const locateKey = (mapPath: readonly (string | number)[], key: string) => {
    const map = nodeAt(doc, mapPath);
    const pair = isMap(map) ? map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key && p.key.range) : undefined;
    return pair && isScalar(pair.key) ? at(pair.key.range![0]) : locate(mapPath);
  };
  return observeValue(doc.toJS({ maxAliasCount: 1000 }), { locate, locateKey });
}

function nodeAt(doc: Document, path: readonly (string | number)[]): Node | undefined {
  let node: unknown = doc.contents;
  for (const step of path) {
    if (isMap(node)) node = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step))?.value ?? undefined;
    else if (isSeq(node) && typeof step === 'number') node = node.items[step];
    else return undefined;
    if (node === undefined || node === null) return undefined;
  }
  return (node ?? undefined) as Node | undefined;
}

function observeValue(value: unknown, file: Locator): unknown {
  const places: unknown[] = [];
  const walk = (value: unknown, at: (string | number)[]): void => {
    places.push([at.join('.'), file.locate(at), file.locate([...at, 'missing'])]);
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...at, i]));
    else if (typeof value === 'object' && value !== null) {
      for (const [key, v] of Object.entries(value)) {
        places.push([`${at.join('.')}:${key}`, file.locateKey(at, key)]);
        walk(v, [...at, key]);
      }
    }
  };
  walk(value, []);
  return { value, places };
}

describe('a long list composed in slices reads as the whole file composed at once', () => {
  const cases = [...Object.entries(LAYOUTS), ...fixtures(path.resolve('test/fixtures'))];

  it.each(cases)('%s', (_name, text) => {
    const whole = observe(text, WHOLE);
    for (const slices of SLICED) expect(observe(text, slices)).toEqual(whole);
    // Values and places as the whole document gives them (problems: loader-yaml.test.ts and the fixtures' own tests).
    if (!('problems' in (whole as object)) && !text.includes('\0')) expect(whole).toEqual(reference(text));
  });

  it('the layouts are sliced, broken ones too; anchors, aliases and tags keep the file whole', () => {
    const early = Object.fromEntries(
      Object.entries(LAYOUTS).map(([name, text]) => {
        const items = new ListItems(SLICED[0]);
        const ok = parseYamlFile({ path: 'g.yaml', bytes: new TextEncoder().encode(text) }, items).ok;
        return [name, { ok, sliced: items.composedEarly > 0 }];
      }),
    );
    expect(early.plain).toEqual({ ok: true, sliced: true });
    expect(early['a missing dash deep in the list']).toEqual({ ok: false, sliced: true });
    expect(early['a key indented too far deep in the list']).toEqual({ ok: false, sliced: true });
    expect(early['a duplicate key deep in the list']).toEqual({ ok: false, sliced: true });
    expect(early['an anchor at the top']).toEqual({ ok: true, sliced: false });
    expect(early['a tag at the top']).toEqual({ ok: true, sliced: false });
    expect(early['a directive']).toEqual({ ok: true, sliced: false });
    expect(early['a flow list']!.sliced).toBe(false);
    // Several documents: refused at the first, as when composed whole (not "internal error").
    expect(early['a long list in a second document (after ---)']).toEqual({ ok: false, sliced: false });
    expect(early['a long list after a document end marker (...)']).toEqual({ ok: false, sliced: false });
  });

  it("the yaml library's warning about a list or mapping as a key comes once per file, sliced or not", async () => {
    const text = `grants:\n${list(12, (i) => `  - client: a\n    ? [k${i}]\n    : v\n`)}`;
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      for (const slices of [WHOLE, ...SLICED]) {
        parseYamlFile({ path: 'g.yaml', bytes: new TextEncoder().encode(text) }, new ListItems(slices));
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toHaveLength(1 + SLICED.length);
    expect(new Set(warnings).size).toBe(1);
  });
});

describe('the slices a plan uses', () => {
  it('with the default sizes, a long list is composed ahead in slices of at least 64 items', () => {
    const items = new ListItems();
    const result = parseYamlFile({ path: 'g.yaml', bytes: new TextEncoder().encode(`grants:\n${list(400)}`) }, items);
    expect(result.ok).toBe(true);
    expect(items.composedEarly).toBeGreaterThanOrEqual(64);
    expect(items.composedEarly).toBeLessThan(400);
  });
});

