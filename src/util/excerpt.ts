// Values from files in messages: a short excerpt, never the whole value. Pure.

/** How many characters of a file's value a message may quote. */
export const EXCERPT_CHARS = 80;

/**
 * `text` when it is short, else its first `max` characters and an ellipsis: a bad line can be
 * megabytes long, or hold what the file's owner never meant to print.
 */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max);
  // Never split a surrogate pair: half a character prints as garbage.
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** A value quoted for a message: `"…"`, shortened to an excerpt. */
export function quoted(text: string, max = EXCERPT_CHARS): string {
  return JSON.stringify(excerpt(text, max));
}
