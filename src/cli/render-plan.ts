// A plan as the user asked to see it: text, markdown or JSON. Shared by plan and apply.
import type { Plan } from '../model/types.js';
import { renderJson } from '../render/json.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderText } from '../render/text.js';
import { useColor, type Env } from './environment.js';
import type { Io } from './io.js';

export type Format = 'text' | 'markdown' | 'json';

/** Values are redacted before rendering: an escaped value (markdown) could hide a secret from io's redactor. */
export function renderPlan(unsafePlan: Plan, format: Format, env: Env, io: Io): string {
  const plan = io.redactValues(unsafePlan);
  if (format === 'json') return renderJson(plan);
  if (format === 'markdown') return renderMarkdown(plan);
  return renderText(plan, { color: useColor(env, io.stdoutIsTTY) });
}
