// The JSON plan as printed by --format json: the contract of design §4. Pure.
import type { Plan } from '../model/types.js';
import { toJsonPlan } from '../plan/json.js';
import { safeJson } from '../util/escape.js';

/** The JSON plan; with a review, also `risks` (most serious first) and `access` (see the README). */
export function renderJson(plan: Plan): string {
  const review = plan.review;
  const value = review
    ? {
        ...toJsonPlan(plan),
        risks: review.risks,
        access: { clients: review.clients, apis: review.apis, revocations: review.revocations, fully_effective_after: review.fully_effective_after ?? null },
      }
    : toJsonPlan(plan);
  return `${safeJson(JSON.stringify(value, null, 2))}\n`;
}
