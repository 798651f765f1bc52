// The webhook event a GitHub Actions job runs for (the file GITHUB_EVENT_PATH names), read once for
// the pull request's number and labels. A file that cannot be read or is not JSON is the job's
// setup to fix, said with its path, never taken for "no pull request".
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';

export interface PullRequestEvent {
  number?: unknown;
  pull_request?: { number?: unknown; labels?: unknown[] };
}

export async function readEvent(file: string): Promise<PullRequestEvent> {
  const where = `GITHUB_EVENT_PATH (${JSON.stringify(file)})`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError([{ message: `cannot read the event file ${where}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, hint: 'GitHub Actions sets GITHUB_EVENT_PATH; outside it, unset the variable or point it at an event payload.' }], { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError([{ message: `the event file ${where} is not JSON`, hint: 'Point GITHUB_EVENT_PATH at the webhook payload GitHub Actions wrote.' }], { cause: error });
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as PullRequestEvent) : {};
}
