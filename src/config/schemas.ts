// Reads the JSON Schemas shipped in the package's schema/ directory (next to dist/ and src/).
import { readFileSync } from 'node:fs';
import type { Schemas } from './validate.js';

const schemaDir = new URL('../../schema/', import.meta.url);

let cached: Schemas | undefined;
export function loadSchemas(): Schemas {
  cached ??= {
    grants: JSON.parse(readFileSync(new URL('grants.schema.json', schemaDir), 'utf8')) as object,
    settings: JSON.parse(readFileSync(new URL('settings.schema.json', schemaDir), 'utf8')) as object,
  };
  return cached;
}

let savedPlan: object | undefined;
/** The schema of `plan --out` files (schema/saved-plan.schema.json). */
export function loadSavedPlanSchema(): object {
  savedPlan ??= JSON.parse(readFileSync(new URL('saved-plan.schema.json', schemaDir), 'utf8')) as object;
  return savedPlan;
}
