// The one formatter of problems (errors, warnings, notes) for every place they go: a terminal or log
// (`file:line:column: severity: message`), markdown (PR comment, job summary), JSON and GitHub
// annotations. Pure. Messages quote file and tenant values, so each form escapes for where it goes:
// control characters shown visibly and no line a workflow command (text), code spans and escaped
// text (markdown), workflow-command escaping (annotations).
import type { Problem, Severity } from '../model/types.js';
import { codeSpan, markdownMessage, neutralizeCommands, visible, workflowCommand } from '../util/escape.js';

export function severityOf(problem: Problem): Severity {
  return problem.severity ?? 'error';
}

/** The advice as one sentence or two: "Did you mean "a" or "b"?" from the suggestions, then the hint. */
export function adviceOf(problem: Problem): string | undefined {
  const suggestions = problem.suggestions ?? [];
  const didYouMean = suggestions.length ? `Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : undefined;
  const advice = [didYouMean, problem.hint].filter((part): part is string => part !== undefined && part !== '');
  return advice.length ? advice.join(' ') : undefined;
}

function whereOf(problem: Problem): string | undefined {
  const at = problem.location;
  return at ? `${at.file}:${at.line}:${at.column}` : undefined;
}

/** `file:line:column: error: message` and the advice indented on the next line. */
export function formatProblem(problem: Problem): string {
  const where = whereOf(problem);
  const advice = adviceOf(problem);
  const text = `${where ? `${visible(where)}: ` : ''}${severityOf(problem)}: ${visible(problem.message)}${advice ? `\n  ${visible(advice)}` : ''}`;
  return neutralizeCommands(text);
}

export function renderProblems(problems: readonly Problem[]): string {
  return problems.map(formatProblem).join('\n') + (problems.length ? '\n' : '');
}

/**
 * One markdown list item: the place as a code span, the message with its `quoted` values as code
 * spans, each suggestion a code span of its own, then the hint.
 */
export function problemMarkdownItem(problem: Problem): string {
  const where = whereOf(problem);
  const label = problem.severity === 'warning' ? '**warning** ' : problem.severity === 'info' ? '**note** ' : '';
  const suggestions = problem.suggestions ?? [];
  const advice = [
    suggestions.length ? `Did you mean ${suggestions.map((s) => codeSpan(s)).join(' or ')}?` : '',
    problem.hint ? markdownMessage(problem.hint) : '',
  ].filter(Boolean);
  return `- ${label}${where ? `${codeSpan(where)} ` : ''}${markdownMessage(problem.message)}${advice.length ? `<br>${advice.join(' ')}` : ''}`;
}

/**
 * The JSON form (documented in the README): `hint` is the whole advice as text, as before
 * `suggestions` existed, so a script that printed it still prints the same.
 */
export interface JsonProblem {
  severity: Severity;
  rule?: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  hint?: string;
  suggestions?: string[];
}

export function problemJson(problem: Problem): JsonProblem {
  const advice = adviceOf(problem);
  const at = problem.location;
  return {
    severity: severityOf(problem),
    ...(problem.rule ? { rule: problem.rule } : {}),
    message: problem.message,
    ...(at ? { file: at.file, line: at.line, column: at.column } : {}),
    ...(advice ? { hint: advice } : {}),
    ...(problem.suggestions?.length ? { suggestions: [...problem.suggestions] } : {}),
  };
}

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/**
 * A GitHub annotation: `::error`, `::warning` or `::notice` with `title=grantsync,file=…,line=…,col=…`
 * (the order @actions/core uses), the message and the advice, escaped as @actions/core escapes them.
 */
export function problemAnnotation(problem: Problem): string {
  const advice = adviceOf(problem);
  const message = advice ? `${problem.message}. ${advice}` : problem.message;
  const at = problem.location;
  return workflowCommand(COMMAND[severityOf(problem)], { title: 'grantsync', file: at?.file, line: at?.line, col: at?.column }, message);
}
