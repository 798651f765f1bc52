// The plan as JSON: tenant, fingerprint, digest, summary, changes. Shared by the JSON
// renderer, saved plans and the apply report. Pure.
import type { Budget, Change, GrantState, Plan, Refusal } from '../model/types.js';

/**
 * The `format` of `--format json` and of the `plan --out` file. Here, not in saved.ts: printing a plan
 * must not load ajv (saved.ts checks plan files with it), ≈ 25 ms after the last answer of a plan.
 */
export const SAVED_PLAN_FORMAT = 'grantsync-plan/2';

export interface JsonChange {
  action: Change['action'];
  /** null for a default grant, which has no client. */
  client_id: string | null;
  default_for?: string;
  client_name: string | null;
  audience: string;
  subject_type: string;
  before: GrantState | null;
  after: GrantState | null;
  flags: string[];
  replaces_subject_type?: string;
  /** Associations the change adds (+) and removes (-). */
  organizations?: { change: '+' | '-'; id: string; name: string }[];
}

export interface JsonPlan {
  /** The address the tenant was reached at (the `tenant:` pin, else the host of AUTH0_DOMAIN). */
  tenant: string;
  /** The tenant's own name, from its Management API audience; null when it has none. Absent from older saved plans. */
  tenant_name?: string | null;
  fingerprint: string;
  digest: string;
  summary: Plan['summary'];
  changes: JsonChange[];
  /** The deletion budget apply holds this plan to (informative: apply recomputes it). */
  budget?: { max_deletes: number; source: Budget['source']; pull_request?: number };
  /** Why apply would refuse this plan; empty when it would not. */
  refusals?: Refusal[];
  /** The vars whose value came from the environment (GRANTSYNC_VAR_<NAME>). */
  vars_from_environment?: string[];
}

export function toJsonPlan(plan: Plan): JsonPlan {
  return {
    tenant: plan.tenant,
    tenant_name: plan.tenantName ?? null,
    fingerprint: plan.fingerprint,
    digest: plan.digest,
    summary: { ...plan.summary },
    changes: plan.changes.map((change) => ({
      action: change.action,
      client_id: change.default_for ? null : change.client_id,
      ...(change.default_for ? { default_for: change.default_for } : {}),
      client_name: change.client_name ?? null,
      audience: change.audience,
      subject_type: change.subject_type,
      before: change.before,
      after: change.after,
      flags: [...change.flags],
      ...(change.replaces_subject_type ? { replaces_subject_type: change.replaces_subject_type } : {}),
      ...(change.organization_lines ? { organizations: change.organization_lines.map((o) => ({ change: o.sign, id: o.id, name: o.name })) } : {}),
    })),
    ...(plan.budget
      ? { budget: { max_deletes: plan.budget.maxDeletes, source: plan.budget.source, ...(plan.budget.pullRequest !== undefined ? { pull_request: plan.budget.pullRequest } : {}) } }
      : {}),
    ...(plan.refusals ? { refusals: plan.refusals.map((r) => ({ rule: r.rule, reason: r.reason, advice: r.advice })) } : {}),
    ...(plan.varsFromEnvironment ? { vars_from_environment: [...plan.varsFromEnvironment] } : {}),
  };
}
