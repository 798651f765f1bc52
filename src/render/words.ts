// Wording shared by the renderers. Pure.
import type { Change, Plan, PlanSummary, UnmanagedReason } from '../model/types.js';
import { diffArrays } from 'diff';
import { visible } from '../util/escape.js';
import { budgetSource } from '../plan/refusals.js';

/** "demo.grantsync.local (at 127.0.0.1:4010)", or the address alone when the name is the same or unknown. */
export function tenantTitle(plan: Pick<Plan, 'tenant' | 'tenantName'>, escape: (value: string) => string = visible): string {
  const name = plan.tenantName;
  if (name === undefined || name.toLowerCase() === plan.tenant.toLowerCase()) return escape(plan.tenant);
  return `${escape(name)} (at ${escape(plan.tenant)})`;
}

export function verdict(summary: PlanSummary): string {
  if (summary.create + summary.update + summary.delete + summary.replace === 0) return 'No changes. The tenant matches the YAML.';
  const parts = [`${summary.create} to create`, `${summary.update} to update`, `${summary.delete} to delete`];
  if (summary.replace > 0) parts.push(`${summary.replace} to replace`);
  return `Plan: ${parts.join(', ')}.`;
}

const REASONS: Record<UnmanagedReason, string> = {
  system: 'system',
  'own-client': "of grantsync's own client",
  'pipeline-client': 'of pipeline clients',
  'excluded-client': 'of excluded clients',
  'outside-manage': 'outside `manage`',
  'unknown-field': 'with unknown fields',
};

export function unmanagedDetail(plan: Plan): string {
  const parts = (Object.keys(REASONS) as UnmanagedReason[])
    .filter((reason) => (plan.unmanagedByReason[reason] ?? 0) > 0)
    .map((reason) => `${plan.unmanagedByReason[reason]} ${REASONS[reason]}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export interface ScopeLine {
  sign: '+' | '-';
  scope: string;
}

/** Added and removed scopes in one sorted sequence (both inputs are sorted sets). */
export function scopeLines(change: Change): ScopeLine[] {
  const allBefore = change.before?.allow_all_scopes === true;
  const allAfter = change.after?.allow_all_scopes === true;
  if (allBefore && allAfter) return [];
  if (allAfter) return [...(change.before?.scope ?? []).map((scope) => ({ sign: '-' as const, scope })), { sign: '+', scope: '(all scopes)' }];
  if (allBefore) return [{ sign: '-', scope: '(all scopes)' }, ...(change.after?.scope ?? []).map((scope) => ({ sign: '+' as const, scope }))];
  const before = change.before?.scope ?? [];
  const after = change.after?.scope ?? [];
  const lines: ScopeLine[] = [];
  for (const part of diffArrays(before, after)) {
    if (part.added) for (const scope of part.value) lines.push({ sign: '+', scope });
    else if (part.removed) for (const scope of part.value) lines.push({ sign: '-', scope });
  }
  return lines;
}

/** Changes of the fields other than scope, as "name: old → new" (tenant values shown visibly). */
export function fieldChanges(change: Change): string[] {
  if (!change.before || !change.after) return [];
  const out: string[] = [];
  const beforeUsage = change.before.organization_usage ?? 'deny';
  const afterUsage = change.after.organization_usage ?? 'deny';
  if (beforeUsage !== afterUsage) out.push(`organization_usage: ${visible(beforeUsage)} → ${visible(afterUsage)}`);
  const beforeAny = change.before.allow_any_organization ?? false;
  const afterAny = change.after.allow_any_organization ?? false;
  if (beforeAny !== afterAny) out.push(`allow_any_organization: ${beforeAny} → ${afterAny}`);
  const beforeTypes = change.before.authorization_details_types ?? [];
  const afterTypes = change.after.authorization_details_types ?? [];
  if (beforeTypes.join('\u0000') !== afterTypes.join('\u0000')) {
    out.push(`authorization_details_types: [${beforeTypes.map(visible).join(', ')}] → [${afterTypes.map(visible).join(', ')}]`);
  }
  return out;
}

/** What a new grant carries besides scopes (RAR types), so a create shows everything it grants. */
export function createdFields(change: Change): string[] {
  if (change.before && change.action === 'update') return [];
  const types = change.after?.authorization_details_types ?? [];
  return types.length > 0 ? [`authorization_details_types: [${types.map(visible).join(', ')}]`] : [];
}

/** `+ org acme` / `- org globex`: organization names (or ids) shown visibly. */
export function organizationTexts(change: Change): { sign: '+' | '-'; text: string }[] {
  return (change.organization_lines ?? []).map((line) => ({ sign: line.sign, text: `org ${visible(line.name === line.id ? line.id : line.name)}` }));
}

export function unchangedScopeCount(change: Change): number {
  if (!change.before || !change.after || change.before.allow_all_scopes) return 0;
  const after = new Set(change.after.scope);
  return change.before.scope.filter((s) => after.has(s)).length;
}

/** "name (client_id)", values shown visibly: safe on a terminal, and inside a markdown code span. */
export function clientLabel(change: Change): string {
  if (change.default_for) return 'default grant for every third-party client';
  return visible(change.client_name ? `${change.client_name} (${change.client_id})` : change.client_id);
}

/** The subject type when it is not the default; `escape` fits the tenant's values to the output. */
export function subjectLabel(change: Change, escape: (value: string) => string = visible): string {
  if (change.action === 'replace') return ` [subject_type ${escape(String(change.replaces_subject_type))} → ${escape(change.subject_type)}]`;
  return change.subject_type === 'client' ? '' : ` [subject_type ${escape(change.subject_type)}]`;
}

/** Why apply would refuse the plan, one sentence each (raw: the caller escapes them for its output). */
export function refusalSentences(plan: Plan): string[] {
  return (plan.refusals ?? []).map((r) => `${r.reason}. ${r.advice}`);
}

/** The deletion budget, when it is not max_deletes of the settings (raised for one run or one merge). */
export function budgetNote(plan: Plan): string | undefined {
  if (!plan.budget || plan.budget.source === 'settings') return undefined;
  return `Deletion budget for this apply: ${plan.budget.maxDeletes}, from ${budgetSource(plan.budget)}.`;
}

/** "Variables from the environment: MAILER (GRANTSYNC_VAR_MAILER)." when any var was overridden. */
export function varsNote(plan: Plan): string | undefined {
  const names = plan.varsFromEnvironment ?? [];
  if (names.length === 0) return undefined;
  return `Variables from the environment: ${names.map((n) => `${n} (GRANTSYNC_VAR_${n})`).join(', ')}.`;
}
