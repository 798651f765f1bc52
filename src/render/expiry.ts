// `expires:` in plans: "expired on <day>" on the removals it causes, and the entries that expire
// within 14 days ("expires in N days", at their file:line). Pure; values are escaped by the caller's rule.
import type { Change, ExpiringEntry, Plan } from '../model/types.js';
import { codeSpan, markdownText, visible } from '../util/escape.js';

/** Lists longer than this are cut with "and N more". */
const MAX_ROWS = 50;

/** "expired on 2027-01-31" when the change removes the whole grant (`scope` null) or this scope because its day came. */
export function expiredNote(change: Change, scope: string | null): string | undefined {
  const label = change.expired?.find((l) => l.scope === scope);
  return label ? `expired on ${label.expired_on}` : undefined;
}

function days(entry: ExpiringEntry): string {
  return `expires in ${entry.days} day${entry.days === 1 ? '' : 's'} (${entry.expires})`;
}

function where(entry: ExpiringEntry): string {
  return `${entry.location.file}:${entry.location.line}`;
}

function rows(entries: readonly ExpiringEntry[], render: (entry: ExpiringEntry) => string): string[] {
  const lines = entries.slice(0, MAX_ROWS).map(render);
  if (entries.length > MAX_ROWS) lines.push(`… and ${entries.length - MAX_ROWS} more`);
  return lines;
}

/** The text plan's section, under the changes. */
export function expiringText(plan: Plan): string[] {
  const entries = plan.expiring ?? [];
  if (entries.length === 0) return [];
  return [
    'Expiring soon (from that day grantsync treats them as absent and removes them):',
    ...rows(entries, (e) => {
      const what = e.scope === null ? 'the grant' : visible(e.scope);
      return `  ${visible(where(e))}: ${visible(e.client ?? 'default grant')} → ${visible(e.audience)}: ${what} ${days(e)}`;
    }),
    '',
  ];
}

/** The markdown plan's WARNING block, near the top. */
export function expiringMarkdown(plan: Plan): string[] {
  const entries = plan.expiring ?? [];
  if (entries.length === 0) return [];
  const lines = ['> [!WARNING]', `> **${entries.length} ${entries.length === 1 ? 'entry expires' : 'entries expire'} within 14 days**: from that day grantsync treats ${entries.length === 1 ? 'it' : 'them'} as absent and removes ${entries.length === 1 ? 'it' : 'them'}.`, '>'];
  lines.push(
    ...rows(entries, (e) => {
      const what = e.scope === null ? 'the grant' : codeSpan(e.scope);
      return `> - ${codeSpan(where(e))} ${codeSpan(e.client ?? 'default grant')} → ${codeSpan(e.audience)}: ${what} ${days(e)}`;
    }).map((l) => (l.startsWith('>') ? l : `> ${markdownText(l)}`)),
    '',
  );
  return lines;
}
