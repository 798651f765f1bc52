// The JSON plan as printed by --format json: a contract scripts rely on (see the README's Commands). Pure.
import type { Plan } from '../model/types.js';
import { SAVED_PLAN_FORMAT, toJsonPlan } from '../plan/json.js';
import { safeJson } from '../util/escape.js';
import { reviewJson } from './review.js';
import { problemJson } from './problems.js';

/**
 * The JSON plan, with the same `format` as the `plan --out` file; with a review, also `risks` (most
 * serious first) and `access`; with the least-privilege checks, `warnings`; `expired` on changes
 * that remove an expired entry and `expiring` when entries expire within 14 days (see the README).
 */
export function renderJson(plan: Plan): string {
  const review = plan.review ? reviewJson(plan.review) : undefined;
  const json = toJsonPlan(plan);
  const value = {
    format: SAVED_PLAN_FORMAT,
    ...json,
    // `expired` on a change and `expiring` are for readers: a saved plan (toJsonPlan) carries neither.
    changes: json.changes.map((change, i) => {
      const expired = plan.changes[i]?.expired;
      return expired ? { ...change, expired: expired.map((l) => ({ scope: l.scope, expired_on: l.expired_on })) } : change;
    }),
    ...((plan.expiring ?? []).length > 0
      ? {
          expiring: plan.expiring!.map((e) => ({
            file: e.location.file, line: e.location.line, column: e.location.column,
            client: e.client, audience: e.audience, scope: e.scope, expires: e.expires, days: e.days,
          })),
        }
      : {}),
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
