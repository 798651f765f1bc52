// `npm run mutate:collection`: the in-process tests of `npm run mutate`, with every function of src/
// reporting when it runs outside a test. Stryker counts a mutant reached while a test file loads (a
// fixture built at module scope or in a describe body) as "static": it can tell no test apart, so
// it re-runs every related test file with a fresh module graph for it. 1,035 mutants were static
// for that reason alone (November 2026); building fixtures inside tests (or beforeEach) avoids it.
import ts from 'typescript';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.mutate.config.js';

/** Inserts a report at the start of each function body of a src/ module. */
function probeFunctions(code: string, id: string): string {
  const file = ts.createSourceFile(id, code, ts.ScriptTarget.Latest, true);
  const inserts: [number, string][] = [];
  const visit = (node: ts.Node): void => {
    const body = ts.isFunctionLike(node) ? (node as ts.FunctionLikeDeclaration).body : undefined;
    if (body && ts.isBlock(body)) {
      const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
      const where = `${id.slice(id.lastIndexOf('/src/') + 5)}:${line}`;
      inserts.push([body.getStart(file) + 1, `globalThis.__grantsyncProbe?.(${JSON.stringify(where)});`]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = code;
  for (const [at, text] of inserts.sort((a, b) => b[0] - a[0])) out = out.slice(0, at) + text + out.slice(at);
  return out;
}

export default mergeConfig(
  base,
  defineConfig({
    plugins: [
      {
        name: 'grantsync-collection-probe',
        enforce: 'pre',
        transform: (code: string, id: string) => (/\/src\/.*\.ts$/.test(id) ? { code: probeFunctions(code, id), map: null } : null),
      },
    ],
    test: { setupFiles: ['test/mutation/collection-probe.setup.ts'] },
  }),
);
