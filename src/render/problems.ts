// Problems as `file:line:column: message` lines. Pure.
import type { Problem } from '../model/types.js';

export function formatProblem(problem: Problem, severity: 'error' | 'warning' = 'error'): string {
  const where = problem.location ? `${problem.location.file}:${problem.location.line}:${problem.location.column}: ` : '';
  const hint = problem.hint ? `\n  ${problem.hint}` : '';
  return `${where}${severity}: ${problem.message}${hint}`;
}

export function renderProblems(problems: readonly Problem[], severity: 'error' | 'warning' = 'error'): string {
  return problems.map((p) => formatProblem(p, severity)).join('\n') + (problems.length ? '\n' : '');
}
