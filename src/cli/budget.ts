// The deletion budget of one run. max_deletes in grantsync.yaml, unless --max-deletes says otherwise
// (in a workflow file, reviewed with it), or a pull request carries the label grantsync:max-deletes=N:
// then the plan job shows and records that budget in its comment, and the apply on merge uses it only
// when the approved comment records it and the merged pull request still carries the label. Nothing
// unreviewed can raise it: the label is on the pull request reviewers approve, the comment says so.
import { readEvent } from '../github/event.js';
import type { Budget } from '../model/types.js';
import { budgetFromLabels, MAX_DELETES_LABEL } from '../plan/refusals.js';
import { visible } from '../util/escape.js';
import type { ReviewedPlan } from './approval.js';
import type { Env } from './environment.js';
import type { Io } from './io.js';
import { inPullRequestJob } from './write-credentials.js';

/** plan: --max-deletes, else the label of the pull request this pull-request job runs for. */
export async function planBudget(maxDeletes: number | undefined, env: Env, io: Io): Promise<Budget | undefined> {
  if (maxDeletes !== undefined) return { maxDeletes, source: 'option' };
  if (!inPullRequestJob(env) || !env.GITHUB_EVENT_PATH) return undefined;
  const event = await readEvent(env.GITHUB_EVENT_PATH);
  const pull = event.pull_request;
  const labels = Array.isArray(pull?.labels) ? pull.labels.map((l) => (l as { name?: unknown } | null)?.name).filter((n): n is string => typeof n === 'string') : [];
  const asked = budgetFromLabels(labels);
  if (asked === undefined) return undefined;
  if ('error' in asked) {
    io.err(`warning: ${visible(asked.error)}; the plan uses max_deletes.\n`);
    return undefined;
  }
  const number = typeof pull?.number === 'number' ? pull.number : undefined;
  return { maxDeletes: asked.maxDeletes, source: 'label', ...(number !== undefined ? { pullRequest: number } : {}) };
}

/** apply: --max-deletes, else the label budget the approved plan comment records, while the label is still there. */
export function applyBudget(maxDeletes: number | undefined, reviewed: ReviewedPlan, io: Io): Budget | undefined {
  if (maxDeletes !== undefined) return { maxDeletes, source: 'option' };
  const pull = reviewed.pullRequest;
  if (!pull) return undefined;
  const asked = budgetFromLabels(pull.labels ?? []);
  const labelled = asked !== undefined && !('error' in asked) ? asked.maxDeletes : undefined;
  if (reviewed.budget === undefined && labelled === undefined) return undefined;
  if (reviewed.budget !== undefined && reviewed.budget === labelled) {
    io.err(`Deletion budget ${labelled}, from the label ${MAX_DELETES_LABEL}${labelled} that the approved plan comment records.\n`);
    return { maxDeletes: labelled, source: 'label', pullRequest: pull.number };
  }
  io.err(
    reviewed.budget === undefined
      ? `warning: pull request #${pull.number} carries a ${MAX_DELETES_LABEL}… label that its plan comment does not record (it was set after the last plan); using max_deletes.\n`
      : `warning: the plan comment records a budget of ${reviewed.budget} from a label pull request #${pull.number} no longer carries as it was; using max_deletes.\n`,
  );
  return undefined;
}
