// What apply will refuse, as data. The plan computes it so that every renderer can say it before the
// merge, and apply computes it again from the same function before its first write, so the plan and
// the apply cannot disagree. Pure.
import { organizationDelta, removedScopes } from '../model/grant.js';
import type { Budget, Change, Ownership, Refusal } from '../model/types.js';
import { pipelineLockouts } from './pipeline-lockout.js';

/** The pull-request label that raises the deletion budget of one merge: `grantsync:max-deletes=60`. */
export const MAX_DELETES_LABEL = 'grantsync:max-deletes=';

/**
 * Access a plan takes away: deletes, replaces (a delete first), updates that leave a grant with no
 * scopes at all (the client keeps a grant and loses all of its access), and associations removed from
 * grants that stay (a deleted grant's go with it). The deletion budget counts them all.
 */
export function countRemovals(changes: readonly Change[]): { deletes: number; emptied: number; dissociations: number } {
  let deletes = 0;
  let emptied = 0;
  let dissociations = 0;
  for (const change of changes) {
    if (change.action === 'delete' || change.action === 'replace') deletes++;
    else {
      // A create has no `before`: it empties nothing and removes no association.
      if (emptiesGrant(change)) emptied++;
      dissociations += organizationDelta(change.before, change.after).removed.length;
    }
  }
  return { deletes, emptied, dissociations };
}

function describeRemovals(deletes: number, emptied: number, dissociations: number): string {
  const deleted = `deletes ${deletes} grant${deletes === 1 ? '' : 's'}`;
  if (emptied === 0 && dissociations === 0) return deleted;
  const parts = [deleted];
  if (emptied > 0) parts.push(`empties the scopes of ${emptied} more`);
  if (dissociations > 0) parts.push(`removes ${dissociations} organization association${dissociations === 1 ? '' : 's'}`);
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]} (${deletes + emptied + dissociations} removals)`;
}

function emptiesGrant(change: Change): boolean {
  const before = change.before;
  const after = change.after;
  if (!before || !after || after.allow_all_scopes || after.scope.length > 0) return false;
  return before.scope.length > 0 || before.allow_all_scopes === true;
}

export interface RefusalInput {
  budget: Budget;
  /** False when grantsync cannot tell which client it runs as. */
  ownClientKnown: boolean;
  systemAudiences: ReadonlySet<string>;
  /** For the pipeline lock-out rail; without it that rail is not checked. */
  ownership?: Ownership;
}

/** Every reason apply would refuse these changes, in the order apply checks them; empty when it would not. */
export function applyRefusals(changes: readonly Change[], input: RefusalInput): Refusal[] {
  return [budgetRefusal(changes, input.budget), unknownClientRefusal(changes, input), lockoutRefusal(changes, input)].filter(
    (r): r is Refusal => r !== undefined,
  );
}

/** The refusal as one sentence, the way apply and the plan say it. */
export function describeRefusal(refusal: Refusal): string {
  return `${refusal.reason}; nothing was changed. ${refusal.advice}`;
}

function budgetRefusal(changes: readonly Change[], budget: Budget): Refusal | undefined {
  const { deletes, emptied, dissociations } = countRemovals(changes);
  const removals = deletes + emptied + dissociations;
  if (removals <= budget.maxDeletes) return undefined;
  const what = describeRemovals(deletes, emptied, dissociations);
  const limit = budget.source === 'settings' ? `max_deletes (${budget.maxDeletes})` : `the deletion budget (${budget.maxDeletes}, from ${budgetSource(budget)})`;
  return {
    rule: 'max-deletes',
    reason: `the plan ${what}, more than ${limit}`,
    advice:
      `Check the plan; if it is right, run apply again with --max-deletes ${removals}. ` +
      `On a pull request, the label ${MAX_DELETES_LABEL}${removals} raises the budget for that merge (the plan comment records it).`,
  };
}

function unknownClientRefusal(changes: readonly Change[], input: RefusalInput): Refusal | undefined {
  if (input.ownClientKnown) return undefined;
  const risky = changes.filter(
    (c) => input.systemAudiences.has(c.audience) && (c.action === 'delete' || c.action === 'replace' || removedScopes(c.before, c.after).length > 0),
  );
  if (risky.length === 0) return undefined;
  return {
    rule: 'unknown-client',
    reason:
      `the plan deletes or shrinks ${risky.length} Management API grant(s), and grantsync cannot tell which client it runs as, ` +
      'so it could lock itself out',
    advice:
      'AUTH0_ACCESS_TOKEN does not say which client it belongs to: ' +
      'log in with client credentials instead (AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET, without AUTH0_ACCESS_TOKEN), ' +
      'or use a token that is a JWT whose azp claim names the client.',
  };
}

function lockoutRefusal(changes: readonly Change[], input: RefusalInput): Refusal | undefined {
  if (!input.ownership) return undefined;
  const lockouts = pipelineLockouts(changes, input.ownership, input.systemAudiences);
  if (lockouts.length === 0) return undefined;
  const what = lockouts.map(({ change, lost }) => `${lost.join(', ')} from ${change.client_name ?? change.client_id}`).join('; ');
  return {
    rule: 'pipeline-lockout',
    reason: `the plan removes ${what}, which the pipeline needs to plan and validate`,
    advice: "Change the pipeline applications' grants by hand.",
  };
}

/** Where a budget came from, in words. */
export function budgetSource(budget: Budget): string {
  if (budget.source === 'settings') return 'max_deletes in grantsync.yaml';
  if (budget.source === 'option') return '--max-deletes';
  return `the label ${MAX_DELETES_LABEL}${budget.maxDeletes}${budget.pullRequest !== undefined ? ` on pull request #${budget.pullRequest}` : ''}`;
}

/**
 * The one-merge budget a pull request's labels ask for: the number of its `grantsync:max-deletes=N`
 * label; undefined when it has none; an error message when it has several or the number is not whole.
 */
export function budgetFromLabels(labels: readonly string[]): { maxDeletes: number } | { error: string } | undefined {
  const values = [...new Set(labels.filter((l) => l.startsWith(MAX_DELETES_LABEL)).map((l) => l.slice(MAX_DELETES_LABEL.length)))];
  if (values.length === 0) return undefined;
  if (values.length > 1) return { error: `the pull request has ${values.length} ${MAX_DELETES_LABEL}… labels; keep one` };
  const value = values[0]!;
  if (!/^\d{1,6}$/.test(value)) return { error: `the label ${MAX_DELETES_LABEL}${value} does not end in a whole number` };
  return { maxDeletes: Number(value) };
}

/** The client_grants write scopes applying these changes takes. */
export function writeScopesNeeded(changes: readonly Change[]): string[] {
  const needed = new Set<string>();
  for (const change of changes) {
    if (change.action === 'create' || change.action === 'replace') needed.add('create:client_grants');
    if (change.action === 'update') needed.add('update:client_grants');
    if (change.action === 'delete' || change.action === 'replace') needed.add('delete:client_grants');
  }
  return [...needed].sort();
}
