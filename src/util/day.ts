// Days as grant files write them: YYYY-MM-DD, read in UTC. Pure: the CLI reads the clock and passes
// the day in (see resolve/expiry.ts).

/** True for a day of the calendar written YYYY-MM-DD (2027-02-29 is not one). */
export function isCalendarDay(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Whole days from `today` to `day` (both YYYY-MM-DD, UTC); 0 on the day, negative after it. */
export function daysUntil(day: string, today: string): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

/** The UTC day of an instant, YYYY-MM-DD: what the CLI passes as `today`. */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
