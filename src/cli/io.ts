// Where the CLI writes. Everything passes through the redactor, the last line of defence for secrets,
// and no line written through out/err can be a GitHub Actions workflow command: only `command`,
// which takes a command formatted and escaped by util/escape.ts, may write one.
import type { Redactor } from '../api/redact.js';
import { CommandNeutralizer } from '../util/escape.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** One workflow command line (`::error …::…`), already escaped; redacted like everything else. */
  command(line: string): void;
  /** The same redactor as the streams, for what leaves by another path (files, GitHub). */
  redact(text: string): string;
  /** A copy of a plan or problems with every string redacted, for rendering. */
  redactValues<T>(value: T): T;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
}

export interface RawStreams {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

export function redactingIo(streams: RawStreams, redactor: Redactor): Io {
  const stdout = new CommandNeutralizer();
  const stderr = new CommandNeutralizer();
  const redact = (text: string): string => redactor.redact(text);
  return {
    out: (text) => void streams.stdout.write(stdout.apply(redact(text))),
    err: (text) => void streams.stderr.write(stderr.apply(redact(text))),
    command: (line) => {
      // A command is read only as a whole line of its own: end a line the last write left open.
      const open = stdout.atLineStart ? '' : '\n';
      stdout.apply('\n');
      void streams.stdout.write(`${open}${redact(line).replace(/[\r\n]/g, '')}\n`);
    },
    redact,
    redactValues: (value) => redactor.redactValues(value),
    stdoutIsTTY: streams.stdout.isTTY === true,
    stderrIsTTY: streams.stderr.isTTY === true,
  };
}
