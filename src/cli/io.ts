// Where the CLI writes. Everything passes through the redactor, the last line of defence for secrets.
import type { Redactor } from '../api/redact.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
}

export interface RawStreams {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

export function redactingIo(streams: RawStreams, redactor: Redactor): Io {
  return {
    out: (text) => void streams.stdout.write(redactor.redact(text)),
    err: (text) => void streams.stderr.write(redactor.redact(text)),
    stdoutIsTTY: streams.stdout.isTTY === true,
    stderrIsTTY: streams.stderr.isTTY === true,
  };
}
