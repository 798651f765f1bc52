// What applying one change came to: the apply executor produces it, the apply views render it.

import type { Change } from './types.js';

/**
 * What one change did. `adopted`: a create met the grant already there, as wanted (a 409, or a create
 * whose reply was lost had landed); `patched`: it was there and was patched to the wanted state.
 */
export type OutcomeKind = 'created' | 'updated' | 'deleted' | 'adopted' | 'patched' | 'failed' | 'skipped';

export type Outcome =
  | { change: Change; kind: Exclude<OutcomeKind, 'failed'>; /** Why, when it is not the plain case. */ note?: string }
  | { change: Change; kind: 'failed'; error: Error };

/** The summary's three-way view: applied (in any way), failed, or not started. */
export function outcomeStatus(outcome: Outcome): 'applied' | 'adopted' | 'failed' | 'skipped' {
  if (outcome.kind === 'failed' || outcome.kind === 'skipped' || outcome.kind === 'adopted') return outcome.kind;
  return 'applied';
}
