// The JSON contract of design §4: tenant, fingerprint, summary, changes. Pure.
import type { Change, GrantState, Plan } from '../model/types.js';
import { safeJson } from './escape.js';

export interface JsonChange {
  action: Change['action'];
  client_id: string;
  client_name: string | null;
  audience: string;
  subject_type: string;
  before: GrantState | null;
  after: GrantState | null;
  flags: string[];
  replaces_subject_type?: string;
}

export interface JsonPlan {
  tenant: string;
  fingerprint: string;
  summary: Plan['summary'];
  changes: JsonChange[];
}

export function toJsonPlan(plan: Plan): JsonPlan {
  return {
    tenant: plan.tenant,
    fingerprint: plan.fingerprint,
    summary: { ...plan.summary },
    changes: plan.changes.map((change) => ({
      action: change.action,
      client_id: change.client_id,
      client_name: change.client_name ?? null,
      audience: change.audience,
      subject_type: change.subject_type,
      before: change.before,
      after: change.after,
      flags: [...change.flags],
      ...(change.replaces_subject_type ? { replaces_subject_type: change.replaces_subject_type } : {}),
    })),
  };
}

export function renderJson(plan: Plan): string {
  return `${safeJson(JSON.stringify(toJsonPlan(plan), null, 2))}\n`;
}
