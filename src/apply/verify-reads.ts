// How to re-read the tenant after an apply: one checkpoint listing of every grant, or one
// checkpoint listing per audience, all in parallel. Pure: the caller measures, this decides.
//
// Checkpoint pages must be read one after another (each needs the previous `next`), so one
// listing of P pages costs P round trips; with 150 ms per page and 30 pages that is 4.5 s
// spent waiting right after the writes. Per-audience listings run side by side but cost a
// partly filled page per audience, and every extra request spends the tenant's rate limit,
// which other tools share. So: per audience when it is fewer requests, or as many and faster,
// or when it saves at least a quarter of the time and half a second.
import type { Change, DesiredGrant, LiveGrant, ReadProfile } from '../model/types.js';

export type VerifyReads =
  | { by: 'all'; pages: number; estimateMs: number }
  | { by: 'audience'; audiences: string[]; pages: number; estimateMs: number };

const MIN_SAVING_MS = 500;
const MIN_SAVING_SHARE = 0.25;

export function chooseVerifyReads(input: {
  /** Every grant read before the apply, managed or not: they are all on the pages. */
  snapshot: readonly LiveGrant[];
  changes: readonly Change[];
  desired: readonly DesiredGrant[];
  /** Managed grants before the apply: their audiences must be re-read too (a delete may have failed). */
  managed: readonly LiveGrant[];
  profile: ReadProfile;
}): VerifyReads {
  const perAudience = new Map<string, number>();
  const bump = (audience: string, by: number): void => {
    perAudience.set(audience, (perAudience.get(audience) ?? 0) + by);
  };
  for (const grant of input.snapshot) bump(grant.audience, 1);
  for (const change of input.changes) {
    if (change.action === 'create') bump(change.audience, 1);
    if (change.action === 'delete') bump(change.audience, -1);
  }
  const { latencyMs, requestsPerSecond: rate, readConcurrency, pageSize } = input.profile;
  // Checkpoint pages: a page without `next` ends the listing, so an empty list is one page.
  const pagesFor = (n: number): number => Math.max(1, Math.ceil(Math.max(0, n) / pageSize));
  const total = [...perAudience.values()].reduce((sum, n) => sum + Math.max(0, n), 0);
  const allPages = pagesFor(total);

  const audiences = [...new Set([...input.desired, ...input.managed, ...input.changes].map((g) => g.audience))].sort();
  const audiencePages = audiences.map((a) => pagesFor(perAudience.get(a) ?? 0));
  const pages = audiencePages.reduce((sum, n) => sum + n, 0);
  const longest = Math.max(0, ...audiencePages);

  // An unknown rate is estimated as no limit; the choice below does not rely on it.
  const msPerToken = rate === undefined ? 0 : 1000 / rate;
  const sequentialMs = allPages * Math.max(latencyMs, msPerToken);
  const all: VerifyReads = { by: 'all', pages: allPages, estimateMs: sequentialMs };
  // Without a known rate the cost of extra requests cannot be weighed: stay with the one listing.
  if (rate === undefined || audiences.length === 0) return all;
  const parallelMs = Math.max(longest * Math.max(latencyMs, msPerToken), pages * msPerToken, Math.ceil(pages / Math.max(1, readConcurrency)) * latencyMs);
  const byAudience: VerifyReads = { by: 'audience', audiences, pages, estimateMs: parallelMs };
  // Fewer pages is never slower (the longest chain and the rate both shrink). At equal pages, the
  // one listing also sees grants a concurrent writer added under other audiences: prefer it on a tie.
  if (pages < allPages) return byAudience;
  if (pages === allPages) return parallelMs < sequentialMs ? byAudience : all;
  const saving = sequentialMs - parallelMs;
  return saving >= MIN_SAVING_MS && saving >= MIN_SAVING_SHARE * sequentialMs ? byAudience : all;
}
