// Reading a whole list from the Management API: its two kinds of pagination, and the shapes a page
// comes in. Never trusts a default page size or a `total`.
import type { Response } from 'got';
import { parseBody, shapeError } from './failures.js';

/** Largest page the API accepts (recordings show 100 accepted on public cloud). */
export const PAGE_SIZE = 100;

export type SearchParams = Record<string, string | number | boolean>;

/**
 * Reads one page (a GET of `path` with these parameters). `priority`: the pages its listing has
 * left, as far as is known (pagesLeft); the rate limiter serves the highest first.
 */
export type GetPage = (path: string, searchParams: SearchParams, priority: number) => Promise<Response<string>>;

/**
 * How many pages a listing has left, counting the one about to be read: from the items it is
 * expected to hold when the caller knows (the grants the files declare for an API), else as many as
 * it has read so far. Checkpoint pages come one after another, so when listings are read side by
 * side the one with the most pages left is the chain of round trips that decides when the reads end:
 * it gets the rate limit's tokens first, and listings of equal length progress together, ending
 * side by side instead of one after another.
 */
export function pagesLeft(depth: number, expectedItems: number | undefined): number {
  if (expectedItems === undefined) return depth + 1;
  return Math.max(1, Math.ceil(expectedItems / PAGE_SIZE) - depth);
}

/** Checkpoint pagination (`take`/`from`): follows `next` until it is absent. */
export async function checkpointList<T>(
  get: GetPage,
  path: string,
  key: string,
  params: SearchParams,
  onPage?: OnPage,
  expectedItems?: number,
  onItems?: (items: readonly T[]) => void,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let from: string | undefined;
  for (let depth = 0; ; depth++) {
    const { body, list } = await readPage<T>(get, path, key, { ...params, take: PAGE_SIZE, ...(from ? { from } : {}) }, pagesLeft(depth, expectedItems), onPage);
    items.push(...list);
    try {
      onItems?.(list);
    } catch {
      // Only a head start (ListingHint.onItems): the listing goes on, and returns the same.
    }
    const next = Array.isArray(body) ? undefined : body.next;
    if (typeof next !== 'string' || next === '' || list.length === 0) return items;
    if (seen.has(next)) throw shapeError({ method: 'GET', path }, 'the API returned the same page cursor twice');
    seen.add(next);
    from = next;
  }
}

/** Offset pagination: reads pages until one comes back short. `total` is advisory only. */
export async function offsetList<T>(get: GetPage, path: string, key: string, params: SearchParams, onPage?: OnPage): Promise<T[]> {
  const items: T[] = [];
  for (let page = 0; ; page++) {
    const { list } = await readPage<T>(get, path, key, { ...params, page, per_page: PAGE_SIZE, include_totals: true }, pagesLeft(page, undefined), onPage);
    items.push(...list);
    if (list.length < PAGE_SIZE) return items;
    if (page > 10_000) throw shapeError({ method: 'GET', path }, 'too many pages');
  }
}

/** Told the size of each page read (the progress line counts them). */
export type OnPage = (resource: string, items: number) => void;

/** One page of a list, in any of Auth0's shapes (a bare array, or an object holding it under `key`). */
async function readPage<T>(
  get: GetPage,
  path: string,
  key: string,
  searchParams: SearchParams,
  priority: number,
  onPage: OnPage | undefined,
): Promise<{ body: Record<string, unknown> | unknown[]; list: T[] }> {
  const res = await get(path, searchParams, priority);
  const body = parseBody(res, { method: 'GET', path }) as Record<string, unknown> | unknown[];
  const list = (Array.isArray(body) ? body : body[key]) as T[] | undefined;
  if (!Array.isArray(list)) throw shapeError({ method: 'GET', path }, `expected a list under "${key}"`);
  onPage?.(key, list.length);
  return { body, list };
}
