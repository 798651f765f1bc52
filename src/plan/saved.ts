// The plan file written by `plan --out` and read by `apply --plan`. A saved plan is a promise, not an
// instruction: apply recomputes the plan from today's YAML, settings and tenant and goes ahead only when
// the two are equal. Nothing in the file (changes, ownership, budgets, flags, names) is ever executed. Pure.
import { Ajv, type ValidateFunction } from 'ajv';
import { InputError } from '../errors.js';
import { compareStrings } from '../model/grant.js';
import type { Plan } from '../model/types.js';
import { SAVED_PLAN_FORMAT, toJsonPlan, type JsonChange, type JsonPlan } from './json.js';

export { SAVED_PLAN_FORMAT };

export interface SavedPlan extends JsonPlan {
  format: typeof SAVED_PLAN_FORMAT;
  /** The host of AUTH0_DOMAIN the plan was computed against. */
  host: string;
}

export function toSavedPlan(plan: Plan, extra: { host: string }): SavedPlan {
  return { format: SAVED_PLAN_FORMAT, host: extra.host, ...toJsonPlan(plan) };
}

const compiled = new WeakMap<object, ValidateFunction>();

/** Parses and schema-checks a plan file; `schema` is schema/saved-plan.schema.json. */
export function parseSavedPlan(text: string, file: string, schema: object): SavedPlan {
  const where = { file, line: 1, column: 1 };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError([{ location: where, message: 'plan file is not JSON', hint: 'Pass the file written by `grantsync plan --out`.' }]);
  }
  const format = (value as { format?: unknown } | null)?.format;
  if (typeof format === 'string' && format.startsWith('grantsync-plan/') && format !== SAVED_PLAN_FORMAT) {
    throw new InputError([
      {
        location: where,
        message: `the plan file has format ${JSON.stringify(format)}, written by another version of grantsync (this one reads "${SAVED_PLAN_FORMAT}")`,
        hint: 'Run `grantsync plan --out <file>` again with this version.',
      },
    ]);
  }
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = new Ajv({ strict: true }).compile(schema)));
  if (!validate(value)) {
    // Ajv sets errors whenever a validation fails (and stops at the first).
    const error = validate.errors![0]!;
    const at = error.instancePath ? ` at ${error.instancePath}` : '';
    // Stryker disable next-line StringLiteral: Ajv gives every error a message unless told not to
    const reason = error.message ?? 'invalid';
    throw new InputError([
      {
        location: where,
        message: `not a grantsync plan file: ${reason}${at} (expected "format": "${SAVED_PLAN_FORMAT}")`,
        hint: 'Write one with `grantsync plan --out plan.json`; the JSON printed by --format json cannot be applied.',
      },
    ]);
  }
  return value as SavedPlan;
}

/** What differs between a saved plan and today's; empty when apply may go ahead. */
export interface PlanMismatch {
  /** Top-level fields that differ: [field, saved, today]. */
  fields: [string, string, string][];
  /** Changes that differ, by identity: saved and today's version, undefined where absent. */
  changes: { saved?: JsonChange; today?: JsonChange }[];
}

/**
 * Compares a saved plan with the plan computed now. Everything the reviewer saw counts: the tenant,
 * the fingerprint, the change-set digest, the totals and every change with its names and flags.
 */
export function compareWithSaved(saved: SavedPlan, today: JsonPlan, host: string): PlanMismatch | undefined {
  const fields: PlanMismatch['fields'] = [];
  const field = (name: string, a: unknown, b: unknown): void => {
    if (canonicalJson(a) !== canonicalJson(b)) fields.push([name, canonicalJson(a), canonicalJson(b)]);
  };
  field('host', saved.host.toLowerCase(), host.toLowerCase());
  field('tenant', saved.tenant, today.tenant);
  // Saved before the name was recorded: nothing to compare.
  if (saved.tenant_name !== undefined) field('tenant_name', saved.tenant_name, today.tenant_name ?? null);
  field('fingerprint', saved.fingerprint, today.fingerprint);
  field('digest', saved.digest, today.digest);
  field('summary', saved.summary, today.summary);

  const keyOf = (c: JsonChange): string => JSON.stringify([c.client_id, c.audience, c.subject_type]);
  const todayByKey = new Map(today.changes.map((c) => [keyOf(c), c]));
  const changes: PlanMismatch['changes'] = [];
  const seen = new Set<string>();
  for (const change of saved.changes) {
    const key = keyOf(change);
    const match = todayByKey.get(key);
    if (seen.has(key) || !match || canonicalJson(normalizeChange(change)) !== canonicalJson(normalizeChange(match))) {
      changes.push({ saved: change, ...(match && !seen.has(key) ? { today: match } : {}) });
    }
    seen.add(key);
  }
  for (const change of today.changes) if (!seen.has(keyOf(change))) changes.push({ today: change });
  return fields.length === 0 && changes.length === 0 ? undefined : { fields, changes };
}

/** Flags are a set; everything else compares as written. */
function normalizeChange(change: JsonChange): JsonChange {
  return { ...change, flags: [...change.flags].sort() };
}

/** JSON with object keys sorted, so a file re-serialised by another tool still compares equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => compareStrings(a, b)))
      : v,
  );
}
