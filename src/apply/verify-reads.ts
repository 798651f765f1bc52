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
  const audiences = [...new Set([...input.desired, ...input.managed, ...input.changes].map((g) => g.audience))].sort();
  // Stryker disable next-line StringLiteral: chooseListing tells only 'never' apart
  return chooseListing({ perAudience, audiences, profile: input.profile, morePages: 'when-clearly-faster' });
}

/**
 * One listing of every grant, or one listing per audience side by side, from the grants each
 * audience holds (known, or estimated). `morePages`: `never` takes the per-audience listings only
 * when they cost no more requests than the one listing (a plan, before anything is known of the
 * rate); `when-clearly-faster` also when the saving is worth the extra requests at the known rate.
 */
export function chooseListing(input: {
  /** Grants per audience; every grant of the tenant counts toward the one listing. */
  perAudience: ReadonlyMap<string, number>;
  /** The audiences the per-audience listings would cover. */
  audiences: readonly string[];
  profile: ReadProfile;
  morePages: 'never' | 'when-clearly-faster';
}): VerifyReads {
  const { perAudience, audiences } = input;
  const { latencyMs, requestsPerSecond: rate, readConcurrency, pageSize } = input.profile;
  // Checkpoint pages: a page without `next` ends the listing, so an empty list is one page.
  const pagesFor = (n: number): number => Math.max(1, Math.ceil(Math.max(0, n) / pageSize));
  const total = [...perAudience.values()].reduce((sum, n) => sum + Math.max(0, n), 0);
  const allPages = pagesFor(total);

  const audiencePages = audiences.map((a) => pagesFor(perAudience.get(a) ?? 0));
  const pages = audiencePages.reduce((sum, n) => sum + n, 0);
  const longest = Math.max(0, ...audiencePages);

  // An unknown rate is estimated as no limit; the choice below does not rely on it.
  const msPerToken = rate === undefined ? 0 : 1000 / rate;
  const sequentialMs = allPages * Math.max(latencyMs, msPerToken);
  const all: VerifyReads = { by: 'all', pages: allPages, estimateMs: sequentialMs };
  if (audiences.length === 0) return all;
  const parallelMs = Math.max(longest * Math.max(latencyMs, msPerToken), pages * msPerToken, Math.ceil(pages / Math.max(1, readConcurrency)) * latencyMs);
  const byAudience: VerifyReads = { by: 'audience', audiences: [...audiences], pages, estimateMs: parallelMs };
  if (input.morePages === 'never') {
    // As many requests at most, so the rate does not matter: fewer pages, or a shorter chain of round trips.
    if (pages < allPages) return byAudience;
    return pages === allPages && longest < allPages ? byAudience : all;
  }
  // Without a known rate the cost of extra requests cannot be weighed: stay with the one listing.
  if (rate === undefined) return all;
  // Fewer pages is never slower (the longest chain and the rate both shrink). At equal pages, the
  // one listing also sees grants a concurrent writer added under other audiences: prefer it on a tie.
  if (pages < allPages) return byAudience;
  if (pages === allPages) return parallelMs < sequentialMs ? byAudience : all;
  const saving = sequentialMs - parallelMs;
  return saving >= MIN_SAVING_MS && saving >= MIN_SAVING_SHARE * sequentialMs ? byAudience : all;
}
