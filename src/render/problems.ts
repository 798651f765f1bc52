// Problems as `file:line:column: message` lines. Pure. Messages quote file and tenant values, so
// control characters are shown visibly and no line can be a workflow command.
import type { Problem } from '../model/types.js';
import { neutralizeCommands, visible } from '../util/escape.js';

export function formatProblem(problem: Problem, severity: 'error' | 'warning' = 'error'): string {
  const where = problem.location ? `${visible(problem.location.file)}:${problem.location.line}:${problem.location.column}: ` : '';
  const hint = problem.hint ? `\n  ${visible(problem.hint)}` : '';
  return neutralizeCommands(`${where}${severity}: ${visible(problem.message)}${hint}`);
}

export function renderProblems(problems: readonly Problem[], severity: 'error' | 'warning' = 'error'): string {
  return problems.map((p) => formatProblem(p, severity)).join('\n') + (problems.length ? '\n' : '');
}
