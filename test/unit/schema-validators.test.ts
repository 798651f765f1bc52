// The grant and settings schemas are compiled ahead (npm run schemas): the committed module judges as
// ajv compiling the schema files would (schema-validators-sync.test.ts: it is what the generator writes).
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { SHIPPED_VALIDATORS } from '../../src/config/validate.js';

const schema = (name: string): object => JSON.parse(readFileSync(new URL(`../../schema/${name}.schema.json`, import.meta.url), 'utf8')) as object;

describe('the compiled schema validators', () => {
  it.each([
    ['settings', { manage: 'all' }],
    ['settings', { manage: 'everything', extra: 1 }],
    ['settings', {}],
    ['grants', { grants: [{ client: 'a', audience: 'https://x', scope: ['read'] }] }],
    ['grants', { grants: [{ client: 'a', audience: 'https://x', scope: 'read', expires: 'soon' }] }],
    ['grants', { grants: [{ audience: 1, scope: [1, 1] }], other: true }],
  ] as const)('%s: %j gets the errors a runtime compile gives', (name, value) => {
    const compiled = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema(name));
    const shipped = SHIPPED_VALIDATORS[name];
    expect(shipped(value)).toBe(compiled(value));
    expect(shipped.errors ?? null).toEqual(compiled.errors ?? null);
  });
});
