// Apply asks before it writes, as Terraform does: on a terminal it shows the plan and waits for
// `yes`. In CI (stdin not a terminal) it does not ask, except for a plan flagged self-escalation:
// then it reads an answer from stdin anyway, so a pipeline that did not pass --auto-approve (and
// whose stdin is empty) is refused rather than granting a client the power to grant itself more.
import { createInterface } from 'node:readline';
import { RefusedError } from '../errors.js';
import type { Change } from '../model/types.js';
import { visible } from '../util/escape.js';
import type { Io } from './io.js';

/** Where an answer comes from: stdin, as a terminal or not. */
export interface Prompt {
  readonly isTTY: boolean;
  /** The next line, or undefined at the end of input. */
  readLine(): Promise<string | undefined>;
}

/** How long a non-terminal stdin may take to give its answer (a CI step whose stdin stays open gives none). */
export const PIPED_ANSWER_TIMEOUT_MS = 30_000;

export function stdinPrompt(stdin: NodeJS.ReadableStream & { isTTY?: boolean }): Prompt {
  const isTTY = stdin.isTTY === true;
  return {
    isTTY,
    readLine: () =>
      new Promise((resolve) => {
        const lines = createInterface({ input: stdin, terminal: false });
        let settled = false;
        const settle = (answer: string | undefined): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          lines.close();
          stdin.pause();
          resolve(answer);
        };
        const timer = isTTY ? undefined : setTimeout(() => settle(undefined), PIPED_ANSWER_TIMEOUT_MS);
        lines.once('line', settle);
        lines.once('close', () => settle(undefined));
      }),
  };
}

/** A process without stdin (the library, in-process tests): not a terminal, and nothing to read. */
export const NO_PROMPT: Prompt = { isTTY: false, readLine: async () => undefined };

/** Asks for `yes` when a person is there, or when the plan is flagged self-escalation; else goes on. */
export async function confirmApply(changes: readonly Change[], host: string, prompt: Prompt, io: Io, autoApprove: boolean): Promise<void> {
  if (autoApprove || changes.length === 0) return;
  const escalations = changes.filter((c) => c.flags.includes('self-escalation')).length;
  if (!prompt.isTTY && escalations === 0) return;
  const flagged = escalations > 0 ? ` ${escalations} of them ${escalations === 1 ? 'is' : 'are'} flagged self-escalation (a client gains scopes that let it grant itself more).` : '';
  io.err(`\nApply ${changes.length} change${changes.length === 1 ? '' : 's'} to ${visible(host)}?${flagged} Only 'yes' is accepted.\n  Enter a value: `);
  const answer = await prompt.readLine();
  if (answer?.trim() === 'yes') return;
  if (answer === undefined) io.err('\n');
  throw new RefusedError(
    answer === undefined
      ? `no answer to the confirmation (stdin ${prompt.isTTY ? 'closed' : 'is not a terminal and gave none'}); nothing was changed. ` +
          (escalations > 0 ? 'A plan flagged self-escalation is confirmed even in CI: pass --auto-approve where the plan was reviewed.' : 'Pass --auto-approve to apply without asking.')
      : "the answer was not 'yes'; nothing was changed.",
  );
}
