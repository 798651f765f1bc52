// The plan as terminal text: grouped by API, scope-level +/-, colour only when asked. Pure.
// Every tenant or file value is shown visibly (no raw control character, no workflow command).
import { createColors } from 'picocolors';
import type { Change, Plan } from '../model/types.js';
import { neutralizeCommands, visible } from '../util/escape.js';
import { expiredNote, expiringText } from './expiry.js';
import { lintText } from './lint.js';
import { accessText, risksText } from './review.js';
import { varsNote, budgetNote, clientLabel, createdFields, fieldChanges, organizationTexts, refusalSentences, scopeLines, subjectLabel, tenantTitle, unchangedScopeCount, unmanagedDetail, verdict } from './words.js';

const SYMBOL: Record<Change['action'], string> = { create: '+', update: '~', delete: '-', replace: '-/+' };

export function renderText(plan: Plan, options: { color: boolean }): string {
  const c = createColors(options.color);
  const paint: Record<Change['action'], (s: string) => string> = {
    create: c.green,
    update: c.yellow,
    delete: c.red,
    replace: c.magenta,
  };
  const lines: string[] = [c.bold(`grantsync plan for ${tenantTitle(plan)}`), ''];
  if (plan.review) lines.push(...risksText(plan.review).map((l) => (l.startsWith('  !') ? c.red(l) : l)));
  let audience: string | undefined;
  for (const change of plan.changes) {
    if (change.audience !== audience) {
      audience = change.audience;
      lines.push(c.bold(visible(audience)));
    }
    const flags = change.flags.length ? `  ${c.bold(c.red(`! ${visible(change.flags.join(', '))}`))}` : '';
    const head = `${SYMBOL[change.action].padStart(3)} ${change.action.padEnd(7)}`;
    const expired = expiredNote(change, null);
    lines.push(`${paint[change.action](head)} ${clientLabel(change)}${subjectLabel(change)}${flags}${expired ? `  (${expired})` : ''}`);
    for (const line of scopeLines(change)) {
      const note = line.sign === '-' ? expiredNote(change, line.scope) : undefined;
      lines.push(`        ${line.sign === '+' ? c.green(`+ ${visible(line.scope)}`) : c.red(`- ${visible(line.scope)}`)}${note ? c.dim(`  (${note})`) : ''}`);
    }
    const kept = unchangedScopeCount(change);
    if (kept > 0) lines.push(c.dim(`        (${kept} scope${kept === 1 ? '' : 's'} unchanged)`));
    for (const field of [...fieldChanges(change), ...createdFields(change)]) lines.push(`        ${c.yellow(`~ ${field}`)}`);
    for (const org of organizationTexts(change)) lines.push(`        ${org.sign === '+' ? c.green(`+ ${org.text}`) : c.red(`- ${org.text}`)}`);
    if (change.action === 'create' && change.after && change.after.scope.length === 0 && !change.after.allow_all_scopes) {
      lines.push(c.dim('        (no scopes)'));
    }
  }
  if (plan.changes.length > 0) lines.push('');
  lines.push(...expiringText(plan));
  if (plan.review) lines.push(...accessText(plan.review));
  lines.push(...lintText(plan.lint).map((l, i) => (i === 0 ? c.bold(l) : l)));
  lines.push(c.bold(verdict(plan.summary)));
  lines.push(
    c.dim(`${plan.summary.unchanged} unchanged, ${plan.summary.unmanaged} unmanaged${unmanagedDetail(plan)}. Fingerprint ${visible(plan.fingerprint)}.`),
  );
  if (plan.changes.length > 0) lines.push(c.dim(`Change set ${visible(plan.digest)}.`));
  const fromEnvironment = varsNote(plan);
  if (fromEnvironment !== undefined) lines.push(c.bold(visible(fromEnvironment)));
  const budget = budgetNote(plan);
  if (budget !== undefined) lines.push(c.bold(visible(budget)));
  for (const sentence of refusalSentences(plan)) lines.push(c.bold(c.red(`Apply will refuse this plan: ${visible(sentence)}`)));
  return neutralizeCommands(`${lines.join('\n')}\n`);
}
