// Where the package's own files are (package.json, schema/): one level above this module.
//
// This file sits directly in src/, and so in dist/ when compiled, and the bundled CLI's files sit
// directly in dist/ too (scripts/bundle-cli.mjs), so the same relative URL holds for all three: a
// module deeper in the tree would point elsewhere once bundled. Every such path is built here.
export const PACKAGE_ROOT = new URL('../', import.meta.url);

/** A file or directory of the package, by its path from the package root (`schema/`, `package.json`). */
export function packageFile(relative: string): URL {
  return new URL(relative, PACKAGE_ROOT);
}
