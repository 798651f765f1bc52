// The JSON plan as printed by --format json: a contract scripts rely on (see the README's Commands). Pure.
import type { Plan } from '../model/types.js';
import { toJsonPlan } from '../plan/json.js';
import { SAVED_PLAN_FORMAT } from '../plan/saved.js';
import { safeJson } from '../util/escape.js';
import { reviewJson } from './review.js';
import { problemJson } from './problems.js';

/**
 * The JSON plan, with the same `format` as the `plan --out` file; with a review, also `risks` (most
 * serious first) and `access`; with the least-privilege checks, `warnings` (see the README).
 */
export function renderJson(plan: Plan): string {
  const review = plan.review ? reviewJson(plan.review) : undefined;
  const value = {
    format: SAVED_PLAN_FORMAT,
    ...toJsonPlan(plan),
    ...(review
      ? {
          risks: review.risks,
          access: { clients: review.clients, apis: review.apis, revocations: review.revocations, fully_effective_after: plan.review?.fully_effective_after ?? null },
        }
      : {}),
    ...(plan.lint ? { warnings: plan.lint.map(problemJson) } : {}),
  };
  return `${safeJson(JSON.stringify(value, null, 2))}\n`;
}
