// The least-privilege findings of a plan (src/lint/least-privilege.ts) as a section of the text and
// markdown plans, in the order the checks give them (warnings first). Pure. Each finding goes
// through the one problem formatter (render/problems.ts).
import type { Problem } from '../model/types.js';
import { formatProblem, problemMarkdownItem, severityOf } from './problems.js';

/** Findings listed in a markdown plan; the rest are counted (the JSON plan has them all). */
const MAX_MARKDOWN_FINDINGS = 50;

/** `2 warnings, 1 note`. */
export function lintCounts(findings: readonly Problem[]): string {
  const warnings = findings.filter((p) => severityOf(p) !== 'info').length;
  const notes = findings.length - warnings;
  const parts = [warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '', notes ? `${notes} note${notes === 1 ? '' : 's'}` : ''];
  return parts.filter(Boolean).join(', ');
}

export function lintText(findings: readonly Problem[] | undefined): string[] {
  if (!findings?.length) return [];
  const lines = [`Least-privilege checks (${lintCounts(findings)}):`];
  for (const finding of findings) lines.push(...formatProblem(finding).split('\n').map((line) => `  ${line}`));
  lines.push('');
  return lines;
}

export function lintMarkdown(findings: readonly Problem[] | undefined): string {
  if (!findings?.length) return '';
  const shown = findings.slice(0, MAX_MARKDOWN_FINDINGS);
  const more = findings.length - shown.length;
  return [
    `#### Least-privilege checks (${lintCounts(findings)})`,
    '',
    ...shown.map(problemMarkdownItem),
    ...(more > 0 ? [`- … and ${more} more: run \`grantsync plan --format json\` for all of them.`] : []),
  ].join('\n');
}
