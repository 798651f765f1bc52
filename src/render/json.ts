// The JSON plan as printed by --format json: the contract of design §4. Pure.
import type { Plan } from '../model/types.js';
import { toJsonPlan } from '../plan/json.js';
import { safeJson } from '../util/escape.js';

export function renderJson(plan: Plan): string {
  return `${safeJson(JSON.stringify(toJsonPlan(plan), null, 2))}\n`;
}
