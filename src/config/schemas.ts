// Reads the JSON Schema of saved plans from the package's schema/ directory (next to dist/ and src/).
// The grant and settings schemas are compiled ahead (src/config/schema-validators.generated.ts).
import { readFileSync } from 'node:fs';
import { packageFile } from '../package-root.js';

const schemaDir = packageFile('schema/');

let savedPlan: object | undefined;
/** The schema of `plan --out` files (schema/saved-plan.schema.json). */
export function loadSavedPlanSchema(): object {
  savedPlan ??= JSON.parse(readFileSync(new URL('saved-plan.schema.json', schemaDir), 'utf8')) as object;
  return savedPlan;
}
