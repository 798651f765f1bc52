// Auth0's list conventions: query validation, the three list shapes and field selection.
import { error, type Reply } from './reply.js';

export function queryError(detail: string): Reply {
  return error(400, `Query validation error: '${detail}'.`, 'invalid_query_string');
}

/** Unknown parameters and out-of-range paging are 400s, as in Auth0. */
export function checkQuery(query: URLSearchParams, allowed: string[]): Reply | undefined {
  for (const key of query.keys()) if (!allowed.includes(key)) return queryError(`Additional properties not allowed: ${key}`);
  for (const key of ['per_page', 'take']) {
    const value = query.get(key);
    if (value !== null && !(Number.isInteger(Number(value)) && Number(value) >= 1 && Number(value) <= 100)) {
      return queryError(`Expected ${key} to be an integer between 1 and 100 but found ${value}`);
    }
  }
  const page = query.get('page');
  if (page !== null && !(Number.isInteger(Number(page)) && Number(page) >= 0)) return queryError(`Expected page to be a non-negative integer but found ${page}`);
  return undefined;
}

/**
 * Auth0's three list shapes: `take`/`from` → checkpoint `{items, next?}`;
 * `include_totals=true` → `{total, start, limit, items}`; otherwise a bare array.
 * Without paging parameters at most 50 items come back.
 */
export function paginate<T>(query: URLSearchParams, items: T[], key: string, idOf: (item: T) => string, show: (item: T) => unknown): Reply {
  if (query.has('take') || query.has('from')) return checkpointPage(query, items, key, idOf, show);
  const perPage = Number(query.get('per_page') ?? 50);
  const page = Number(query.get('page') ?? 0);
  const slice = items.slice(page * perPage, page * perPage + perPage).map(show);
  if (query.get('include_totals') === 'true') {
    return { status: 200, body: { total: items.length, start: page * perPage, limit: perPage, [key]: slice } };
  }
  return { status: 200, body: slice };
}

function checkpointPage<T>(query: URLSearchParams, items: T[], key: string, idOf: (item: T) => string, show: (item: T) => unknown): Reply {
  const take = Number(query.get('take') ?? 50);
  const from = query.get('from');
  let start = 0;
  if (from) {
    // Items are in id order: binary-search the first one after the cursor.
    const after = Buffer.from(from, 'base64url').toString('utf8');
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (idOf(items[mid]!) > after) hi = mid;
      else lo = mid + 1;
    }
    start = lo;
  }
  const page = items.slice(start, start + take);
  const body: Record<string, unknown> = { [key]: page.map(show) };
  if (start + take < items.length) body.next = Buffer.from(idOf(page[page.length - 1]!)).toString('base64url');
  return { status: 200, body };
}

/** `fields=a,b` with `include_fields=false` to leave them out instead. */
export function selectFields(query: URLSearchParams): (item: Record<string, unknown>) => Record<string, unknown> {
  const fields = query.get('fields')?.split(',').filter(Boolean);
  if (!fields) return (item) => item;
  const include = query.get('include_fields') !== 'false';
  return (item) => Object.fromEntries(Object.entries(item).filter(([k]) => fields.includes(k) === include));
}
