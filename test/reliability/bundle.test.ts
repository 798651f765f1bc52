// The bin is a bundle (scripts/bundle-cli.mjs, issue 14: ~100 ms less start-up on Node 20): what
// makes it work wherever the package is installed. Its files sit directly in dist/, where
// src/package-root.ts's `../` is the package root, and no other module builds a path to the
// package's files from its own location (one deeper in src/ would point elsewhere once bundled).
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';

const ROOT = path.resolve(path.dirname(CLI), '..');
const DIST = path.join(ROOT, 'dist');

/** The relative imports (static and dynamic) of a built file. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)].map((m) => m[1]!);
}

/** Every .ts file under src/, as paths from the repository root. */
function sources(dir = path.join(ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : entry.name.endsWith('.ts') ? [path.relative(ROOT, full)] : [];
  });
}

describe('the bundled bin', () => {
  it('is dist/cli.js with chunks of its own beside it, and imports no module of tsc\'s tree', () => {
    const seen = new Set<string>();
    const visit = (name: string): void => {
      if (seen.has(name)) return;
      seen.add(name);
      for (const target of relativeImports(path.join(DIST, name))) {
        // Directly in dist/ (no directory in the path), and one of the bundle's own files.
        expect(target, `${name} imports ${target}`).toMatch(/^\.\/cli-[\w-]+\.js$/);
        expect(existsSync(path.join(DIST, target)), `${target} is missing`).toBe(true);
        visit(target.slice(2));
      }
    };
    visit('cli.js');
    // The lazily imported commands are chunks too: a plan's and an apply's at least.
    expect([...seen].filter((name) => /^cli-(plan|apply)-/.test(name))).toHaveLength(2);
  });

  it('leaves out got\'s HTTP/2 and cache packages, which only options grantsync never sets reach', () => {
    const bundled = readdirSync(DIST)
      .filter((name) => name === 'cli.js' || name.startsWith('cli-'))
      .map((name) => readFileSync(path.join(DIST, name), 'utf8'))
      .join('\n');
    // esbuild names each inlined CommonJS module by its path: none of these packages is inlined.
    for (const left of ['node_modules/http2-wrapper/', 'node_modules/cacheable-request/', 'node_modules/keyv/']) expect(bundled).not.toContain(left);
    // got's import of them is still there, bound to the stand-ins that say what is missing.
    expect(bundled).toContain("grantsync's bundle leaves out got's HTTP/2 support");
    expect(bundled).toContain("grantsync's bundle leaves out got's HTTP cache");
    // Nothing of grantsync's asks got for either.
    const asks = sources().filter((file) => /\bhttp2\s*:|\bcache\s*:\s*(?!undefined)/.test(readFileSync(path.join(ROOT, file), 'utf8')));
    expect(asks).toEqual([]);
  });

  it('builds the paths of the package\'s own files in src/package-root.ts only', () => {
    const fromOwnLocation = sources().filter((file) => readFileSync(path.join(ROOT, file), 'utf8').includes('import.meta.url'));
    // demo.ts is not bundled (it runs the bin beside it); the generated validators resolve ajv's
    // runtime from node_modules, which any place in the package reaches.
    expect(fromOwnLocation.sort()).toEqual(['src/config/schema-validators.generated.ts', 'src/demo.ts', 'src/package-root.ts']);
  });

  it('runs from a copy of the package installed elsewhere: its version, and a validation of the example grants', async () => {
    const installed = mkdtempSync(path.join(tmpdir(), 'grantsync-installed-'));
    try {
      const pkg = path.join(installed, 'node_modules', 'grantsync');
      for (const part of ['package.json', 'dist', 'schema']) cpSync(path.join(ROOT, part), path.join(pkg, part), { recursive: true });
      // Its dependencies, as npm would install them beside it.
      for (const dependency of readdirSync(path.join(ROOT, 'node_modules'))) {
        if (!dependency.startsWith('.')) symlinkSync(path.join(ROOT, 'node_modules', dependency), path.join(installed, 'node_modules', dependency));
      }
      const grants = path.join(installed, 'grants');
      cpSync(path.join(ROOT, 'grants'), grants, { recursive: true });
      const bin = path.join(pkg, 'dist', 'cli.js');
      const version = await runCli(['--version'], { cli: bin });
      expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
      const validated = await runCli(['validate', '--offline', '--dir', grants], { cli: bin, cwd: installed });
      expect(validated.code, validated.stderr).toBe(0);
      expect(validated.stdout).toMatch(/8 grants are valid/);
    } finally {
      rmSync(installed, { recursive: true, force: true });
    }
  });
});
