// The plan file written by `plan --out` and read by `apply --plan`: the JSON plan plus what apply needs
// to execute exactly it and to verify the result (the desired grants and the ownership it was made with).
import { InputError } from '../errors.js';
import type { Change, DesiredGrant, Ownership, Plan } from '../model/types.js';
import { toJsonPlan, type JsonPlan } from '../render/json.js';

export const SAVED_PLAN_FORMAT = 'grantsync-plan/1';

export interface SavedPlan extends JsonPlan {
  format: typeof SAVED_PLAN_FORMAT;
  /** The host of AUTH0_DOMAIN the plan was computed against. */
  host: string;
  max_deletes: number;
  ownership: Ownership;
  desired: { client_id: string; audience: string; subject_type: string; client_name?: string; state: DesiredGrant['state'] }[];
}

export function toSavedPlan(plan: Plan, extra: { host: string; maxDeletes: number; ownership: Ownership; desired: readonly DesiredGrant[] }): SavedPlan {
  return {
    format: SAVED_PLAN_FORMAT,
    ...toJsonPlan(plan),
    host: extra.host,
    max_deletes: extra.maxDeletes,
    ownership: extra.ownership,
    desired: extra.desired.map((d) => ({
      client_id: d.client_id,
      audience: d.audience,
      subject_type: d.subject_type,
      ...(d.client_name ? { client_name: d.client_name } : {}),
      state: d.state,
    })),
  };
}

export function parseSavedPlan(text: string, file: string): SavedPlan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError([{ location: { file, line: 1, column: 1 }, message: 'plan file is not JSON', hint: 'Pass the file written by `grantsync plan --out`.' }]);
  }
  const saved = value as Partial<SavedPlan>;
  if (saved?.format !== SAVED_PLAN_FORMAT || !Array.isArray(saved.changes) || !Array.isArray(saved.desired) || typeof saved.fingerprint !== 'string') {
    throw new InputError([
      {
        location: { file, line: 1, column: 1 },
        message: `not a grantsync plan file (expected "format": "${SAVED_PLAN_FORMAT}")`,
        hint: 'Write one with `grantsync plan --out plan.json`; the JSON printed by --format json cannot be applied.',
      },
    ]);
  }
  return saved as SavedPlan;
}

export function savedChanges(saved: SavedPlan): Change[] {
  return saved.changes.map((c) => ({
    action: c.action,
    client_id: c.client_id,
    ...(c.client_name ? { client_name: c.client_name } : {}),
    audience: c.audience,
    subject_type: c.subject_type as Change['subject_type'],
    before: c.before,
    after: c.after,
    flags: c.flags as Change['flags'],
    ...(c.replaces_subject_type ? { replaces_subject_type: c.replaces_subject_type as Change['subject_type'] } : {}),
  }));
}

export function savedDesired(saved: SavedPlan): DesiredGrant[] {
  return saved.desired.map((d) => ({
    client_id: d.client_id,
    audience: d.audience,
    subject_type: d.subject_type as DesiredGrant['subject_type'],
    ...(d.client_name ? { client_name: d.client_name } : {}),
    state: d.state,
  }));
}
