// Duplicates that the files alone reveal, for `validate --offline`: the same grant written twice, by
// the same client name or the same client_id, the same audience and subject_type. Online, resolve
// finds the rest (a name in one place and its id in another). Pure.
import type { DeclaredGrant, Problem, SourceLocation } from '../model/types.js';
import { excerpt } from '../util/excerpt.js';

export function offlineDuplicates(grants: readonly DeclaredGrant[]): Problem[] {
  const first = new Map<string, DeclaredGrant>();
  const problems: Problem[] = [];
  for (const grant of grants) {
    const client = grant.client !== undefined ? `client ${grant.client}` : `client_id ${grant.client_id ?? ''}`;
    const key = JSON.stringify([client, grant.audience, grant.subject_type]);
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, grant);
      continue;
    }
    problems.push({
      location: grant.source,
      message: `duplicate grant: ${excerpt(client)} → ${excerpt(grant.audience)} (${grant.subject_type}) is also declared at ${where(earlier.source)}`,
      hint: 'Keep one declaration and merge the scopes into it.',
    });
  }
  return problems;
}

function where(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}
