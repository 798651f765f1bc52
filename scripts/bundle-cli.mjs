// `npm run build`, after tsc: the grantsync bin (dist/cli.js) as a bundle, for start-up time.
//
// Node 20 loads ES modules one file at a time: the CLI's ~200 files (got alone brings ~50) took
// ≈ 100 ms before a plan's first request, one of the largest parts of a plan's wall time left
// (docs/benchmarks.md, issue 14). One bundle with split chunks loads the same code in a few files;
// what the commands import lazily (import()) stays lazy, in chunks of its own.
//
// Every output file lands directly in dist/, beside tsc's modules, so that src/package-root.ts's
// `../` is the package root in the bundle as well. tsc's other files stay: the library (dist/index.js)
// and the tests import them. dist/cli.js, tsc's copy of the entry, is overwritten with the bundle.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// got imports two packages at its top that only options grantsync never sets reach: `http2-wrapper`
// (`http2: true`) and `cacheable-request` (`cache`). Loading them, and the http2 built-in they pull
// in, took ≈ 13 ms of every start (76 → 63 ms to load got alone), before the first request. In the
// bundle they are stand-ins that fail loudly if ever reached; `tsc`'s dist/ (the library) keeps them.
const LEFT_OUT = {
  'http2-wrapper': `const leftOut = () => { throw new Error("grantsync's bundle leaves out got's HTTP/2 support (the http2 option), which grantsync never uses"); };
export default { get auto() { return leftOut(); }, get globalAgent() { return leftOut(); } };`,
  'cacheable-request': `export default class CacheableRequest { constructor() { throw new Error("grantsync's bundle leaves out got's HTTP cache (the cache option), which grantsync never uses"); } }
export class CacheError extends Error {}`,
};
const leaveOut = {
  name: 'leave-out-unused-got-parts',
  setup(build) {
    build.onResolve({ filter: /^(http2-wrapper|cacheable-request)$/ }, (args) => ({ path: args.path, namespace: 'left-out' }));
    build.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({ contents: LEFT_OUT[args.path], loader: 'js' }));
  },
};
const dist = path.join(root, 'dist');
const CHUNK_PREFIX = 'cli-';

// Chunks of an earlier build have other hashes: drop them, not to ship or load stale code. (A grantsync
// process still running from this dist/ then fails at its next lazy import: do not rebuild under one.)
for (const name of readdirSync(dist)) if (name.startsWith(CHUNK_PREFIX)) rmSync(path.join(dist, name));

await build({
  absWorkingDir: root,
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: `${CHUNK_PREFIX}[name]-[hash]`,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // CommonJS dependencies (yaml, commander, @actions/core) call require(): give the ES module one.
  banner: { js: "import { createRequire as __grantsyncRequire } from 'node:module';\nconst require = __grantsyncRequire(import.meta.url);" },
  // tsc's dist/cli.js is this build's output path too.
  allowOverwrite: true,
  // The licence notices of the inlined dependencies stay in the files that hold their code.
  legalComments: 'eof',
  logLevel: 'warning',
  plugins: [leaveOut],
});
