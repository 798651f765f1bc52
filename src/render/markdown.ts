// The plan as GitHub-flavoured markdown for PR comments and job summaries. Pure.
// Values from the tenant or the files go only into code spans (escape.ts makes them safe for any
// backtick count), into diff fences as visible text, or into escaped plain text: a client name can
// open no HTML, no `<!--`, no @mention and no second code span.
import type { Change, Plan, Problem } from '../model/types.js';
import { codeSpan, markdownMessage, markdownText, visible } from '../util/escape.js';
import { diagramSection, MAX_DIAGRAM_CHARS } from './diagram.js';
import { expiredNote, expiringMarkdown } from './expiry.js';
import { lintMarkdown } from './lint.js';
import { problemMarkdownItem } from './problems.js';
import { accessMarkdown, risksMarkdown } from './review.js';
import { varsNote, budgetNote, clientLabel, createdFields, fieldChanges, organizationTexts, refusalSentences, scopeLines, subjectLabel, tenantTitle, unchangedScopeCount, unmanagedDetail, verdict } from './words.js';

/** GitHub rejects comments longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_536;

const ICON: Record<Change['action'], string> = { create: '🟢 create', update: '🟡 update', delete: '🔴 **delete**', replace: '🟣 **replace**' };

export interface MarkdownOptions {
  /** Stop adding changes before the text would pass this many characters. */
  maxLength?: number;
  /** Where the full plan can be read when the text is cut short. */
  truncatedPointer?: string;
}

export function renderMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const head: string[] = [`### grantsync plan for ${tenantTitle(plan, codeSpan)}`, '', `**${verdict(plan.summary)}**`, ''];
  for (const sentence of refusalSentences(plan)) head.push('> [!CAUTION]', `> **Apply will refuse this plan**: ${markdownMessage(sentence)}`, '');
  const budget = budgetNote(plan);
  if (budget !== undefined) head.push('> [!IMPORTANT]', `> ${markdownMessage(budget)}`, '');
  const fromEnvironment = varsNote(plan);
  if (fromEnvironment !== undefined) head.push('> [!NOTE]', `> ${markdownMessage(fromEnvironment)}`, '');
  // The privilege-increase section is for Management API access; wildcard and fleet-wide show on their change.
  const flagged = plan.changes.filter((c) => c.flags.includes('privilege-increase'));
  const rest = plan.changes.filter((c) => !c.flags.includes('privilege-increase'));
  const deletes = plan.changes.filter((c) => c.action === 'delete' || c.action === 'replace').length;
  if (plan.review) head.push(...risksMarkdown(plan.review));
  if (flagged.length > 0 && !plan.review) {
    head.push(
      `> [!CAUTION]`,
      `> **${flagged.length} privilege increase${flagged.length === 1 ? '' : 's'}** on the Management API: review ${flagged.length === 1 ? 'it' : 'them'} first.`,
      '',
    );
  }
  if (deletes > 0) {
    head.push(`> [!WARNING]`, `> This plan **removes ${deletes} grant${deletes === 1 ? '' : 's'}**: the clients lose that access.`, '');
  }
  head.push(...expiringMarkdown(plan));
  // The picture of the change, folded under the verdict; a quarter of the room at most.
  head.push(...diagramSection(plan.changes, Math.min(MAX_DIAGRAM_CHARS, (options.maxLength ?? Infinity) / 4)));
  const footer: string[] = [
    '',
    `<details><summary>${plan.summary.unchanged} unchanged, ${plan.summary.unmanaged} unmanaged</summary>`,
    '',
    `Unmanaged grants${unmanagedDetail(plan) || ''} are never changed by grantsync.`,
    `Fingerprint ${codeSpan(plan.fingerprint)}.`,
    `Change set ${codeSpan(plan.digest)}.`,
    '',
    '</details>',
    '',
  ];
  // Blocks are added whole until the limit: a change is never cut in the middle.
  const blocks: { text: string; change: boolean }[] = [];
  if (flagged.length > 0) {
    blocks.push({ text: '#### ⚠️ Privilege increases\n', change: false });
    blocks.push(...flagged.map((c) => ({ text: renderChange(c), change: true })));
  }
  if (rest.length > 0) {
    blocks.push({ text: `${flagged.length > 0 ? '\n' : ''}#### Changes\n`, change: false });
    blocks.push(...rest.map((c) => ({ text: renderChange(c), change: true })));
  }
  const lint = lintMarkdown(plan.lint);
  if (lint) blocks.push({ text: `\n${lint}`, change: false });
  const access = plan.review ? accessMarkdown(plan.review) : '';
  if (access) blocks.push({ text: `\n${access}\n`, change: false });
  const max = options.maxLength ?? Infinity;
  const reserved = head.join('\n').length + footer.join('\n').length + 300;
  let body = '';
  let shown = 0;
  for (const block of blocks) {
    if (reserved + body.length + block.text.length + 1 > max) break;
    body += `${block.text}\n`;
    if (block.change) shown++;
  }
  if (shown < plan.changes.length) {
    body += `\n> [!NOTE]\n> Showing ${shown} of ${plan.changes.length} changes. ${options.truncatedPointer ?? 'Run `grantsync plan` to see the rest.'}\n`;
  }
  return [...head, body.trimEnd(), ...footer].join('\n');
}

function renderChange(change: Change): string {
  const flags = change.flags.length ? ` ⚠️ ${change.flags.map(codeSpan).join(', ')}` : '';
  const expired = expiredNote(change, null);
  const lines = [`- ${ICON[change.action]} ${codeSpan(clientLabel(change))}${subjectLabel(change, markdownText)} → ${codeSpan(change.audience)}${flags}${expired ? ` (${expired})` : ''}`];
  const scopes = scopeLines(change);
  const fields = [...fieldChanges(change), ...createdFields(change)];
  const orgs = organizationTexts(change);
  if (scopes.length > 0 || fields.length > 0 || orgs.length > 0) {
    lines.push('  ```diff');
    for (const line of scopes) {
      const note = line.sign === '-' ? expiredNote(change, line.scope) : undefined;
      lines.push(`  ${line.sign} ${visible(line.scope)}${note ? `  (${note})` : ''}`);
    }
    for (const field of fields) lines.push(`  ! ${field}`);
    for (const org of orgs) lines.push(`  ${org.sign} ${org.text}`);
    lines.push('  ```');
  }
  const kept = unchangedScopeCount(change);
  if (kept > 0) lines.push(`  <sub>${kept} scope${kept === 1 ? '' : 's'} unchanged</sub>`);
  return lines.join('\n');
}

/** Validation problems for a PR comment or job summary. */
export function renderProblemsMarkdown(problems: readonly Problem[], tenant: string): string {
  const lines = [
    `### grantsync plan for ${codeSpan(tenant)}`,
    '',
    `**The grant files have ${problems.length} problem${problems.length === 1 ? '' : 's'}; no plan was made and nothing was changed.**`,
    '',
  ];
  for (const p of problems) lines.push(problemMarkdownItem(p));
  lines.push('');
  return lines.join('\n');
}
