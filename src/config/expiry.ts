// `expires:` as written in a grant file: on a grant (`expires: 2027-01-31`) or on one scope
// (`scope: [read:a, {name: write:a, expires: 2027-01-31}]`). The schema checks the shape
// (YYYY-MM-DD); this module checks that the day exists and reads the entries into a DeclaredGrant.
// What a day means (absent from it on) is resolve/expiry.ts. Pure.
import type { Problem, SourceLocation } from '../model/types.js';
import { isCalendarDay } from '../util/day.js';
import { quoted } from '../util/excerpt.js';

type Path = (string | number)[];

/** The schema's `pattern` failed: only `expires` has one, so the message speaks of days. */
export function dayFormatProblem(where: string, value: unknown, location: SourceLocation): Problem {
  return {
    location,
    message: `${where} is ${typeof value === 'string' ? quoted(value) : String(value)}, which is not a day written YYYY-MM-DD`,
    hint: 'Write the day the access ends as YYYY-MM-DD (UTC), e.g. `expires: 2027-01-31`.',
  };
}

export interface GrantExpiry {
  /** Every scope name, whether written plainly or as {name, expires}. */
  scope: string[];
  expires?: string;
  scopeExpiries?: Record<string, string>;
  /** `expires` and `scope.<i>.expires` → where they are written. */
  locations: Record<string, SourceLocation>;
  problems: Problem[];
}

/**
 * The scope names and expiry days of one grant item. The schema has already reported bad shapes;
 * here: days that do not exist, and a scope listed twice once one of them is an {name, expires}
 * entry (the schema's uniqueItems sees two different items there).
 */
export function readGrantExpiry(item: Record<string, unknown>, path: Path, locate: (path: Path) => SourceLocation): GrantExpiry {
  const result: GrantExpiry = { scope: [], locations: {}, problems: [] };
  if (typeof item.expires === 'string') {
    result.locations.expires = locate([...path, 'expires']);
    if (checkDay(item.expires, `${describe(path)}.expires`, result.locations.expires, result.problems)) result.expires = item.expires;
  }
  const entries = Array.isArray(item.scope) ? (item.scope as unknown[]) : [];
  const firstAt = new Map<string, number>();
  entries.forEach((entry, i) => {
    const name = typeof entry === 'string' ? entry : isRecord(entry) && typeof entry.name === 'string' ? entry.name : undefined;
    if (name === undefined) return;
    const earlier = firstAt.get(name);
    if (earlier !== undefined && (isRecord(entry) || isRecord(entries[earlier]))) {
      result.problems.push({
        location: locate([...path, 'scope', i]),
        message: `\`${describe([...path, 'scope'])}\` lists ${quoted(name)} twice (items ${earlier + 1} and ${i + 1})`,
        hint: 'Scopes are a set: keep one entry, with `expires` if the scope should expire.',
      });
      return;
    }
    firstAt.set(name, i);
    result.scope.push(name);
    if (!isRecord(entry) || typeof entry.expires !== 'string') return;
    const location = locate([...path, 'scope', i, 'expires']);
    result.locations[`scope.${i}.expires`] = location;
    if (checkDay(entry.expires, `${describe([...path, 'scope', i])}.expires`, location, result.problems)) {
      (result.scopeExpiries ??= {})[name] = entry.expires;
    }
  });
  return result;
}

/** A day in the right shape that the calendar does not have (2027-02-30) is a mistake, not "never". */
function checkDay(day: string, where: string, location: SourceLocation, problems: Problem[]): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false; // the schema reported it
  if (isCalendarDay(day)) return true;
  problems.push({
    location,
    message: `\`${where}\` is ${quoted(day)}, which is not a day of the calendar`,
    hint: 'Check the month and the day (YYYY-MM-DD, UTC), e.g. `expires: 2027-01-31`.',
  });
  return false;
}

function describe(path: Path): string {
  let out = '';
  for (const step of path) out += typeof step === 'number' ? `[${step}]` : out === '' ? step : `.${step}`;
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
