// The JSON plan as printed by --format json: the contract of design §4. Pure.
import type { Plan } from '../model/types.js';
import { toJsonPlan } from '../plan/json.js';
import { SAVED_PLAN_FORMAT } from '../plan/saved.js';
import { safeJson } from '../util/escape.js';

/** With the same `format` as the `plan --out` file, so a reader knows which contract it holds. */
export function renderJson(plan: Plan): string {
  return `${safeJson(JSON.stringify({ format: SAVED_PLAN_FORMAT, ...toJsonPlan(plan) }, null, 2))}\n`;
}
