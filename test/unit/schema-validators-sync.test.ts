// The committed validators (src/config/schema-validators.generated.ts) are what `npm run schemas` writes
// from today's schema files and ajv. Not run by `npm run mutate` (vitest.mutate.config.ts): Stryker's
// sandbox rewrites source files (a `// @ts-nocheck` on top, among others), so the text differs there.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a script without types
import { GENERATED, generateValidators } from '../../scripts/compile-schemas.mjs';

describe('the compiled schema validators', () => {
  it('are what `npm run schemas` writes now (run it and commit when a schema changed)', () => {
    expect(readFileSync(GENERATED as string, 'utf8')).toBe((generateValidators as () => string)());
  });
});
