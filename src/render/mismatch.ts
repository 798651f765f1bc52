// Why `apply --plan` refused: the saved plan and today's plan, difference by difference. Pure.
import type { PlanMismatch } from '../plan/saved.js';
import type { JsonChange } from '../plan/json.js';
import { visible as printable } from '../util/escape.js';

const MAX_CHANGES_SHOWN = 20;

export function describeMismatch(mismatch: PlanMismatch, file: string): string {
  const lines = [`the plan in ${printable(file)} is not the plan that today's YAML, settings and tenant produce; nothing was changed.`];
  lines.push('  saved plan ↔ today:');
  for (const [name, saved, today] of mismatch.fields) {
    lines.push(`    ${name}: ${printable(saved)}`, `    ${' '.repeat(name.length)}  ${printable(today)} (today)`);
  }
  for (const { saved, today } of mismatch.changes.slice(0, MAX_CHANGES_SHOWN)) {
    lines.push(`    saved: ${saved ? describeChange(saved) : '(no such change)'}`);
    lines.push(`    today: ${today ? describeChange(today) : '(no such change)'}`);
  }
  const more = mismatch.changes.length - MAX_CHANGES_SHOWN;
  if (more > 0) lines.push(`    … and ${more} more differing change${more === 1 ? '' : 's'}`);
  lines.push('  Run plan again, review the new plan, and apply that one.');
  return lines.join('\n');
}

function describeChange(change: JsonChange): string {
  const who = change.client_name === null ? change.client_id : `${change.client_name} (${change.client_id})`;
  const state = (s: JsonChange['before']): string => (s === null ? 'none' : JSON.stringify(s));
  const flags = change.flags.length > 0 ? ` [${change.flags.join(', ')}]` : '';
  return printable(`${change.action} ${who} → ${change.audience} (${change.subject_type}): ${state(change.before)} → ${state(change.after)}${flags}`);
}
