// Progress on stderr: a live line on a TTY, a plain line every few seconds in CI, nothing with --quiet.
import type { RequestEvent } from '../api/http.js';
import type { Io } from './io.js';

export interface Progress {
  page(resource: string, items: number): void;
  request(event: RequestEvent): void;
  /** Changes applied (not merely attempted), failed, and in the plan. */
  change(applied: number, total: number, failed?: number): void;
  /** Prints around the live line: clears it, writes, draws it again. */
  around(write: () => void): void;
  done(): void;
}

export function createProgress(io: Io, opts: { quiet: boolean; verbose: boolean; now?: () => number; intervalMs?: number }): Progress {
  const now = opts.now ?? Date.now;
  const started = now();
  const pages: Record<string, number> = {};
  let items = 0;
  let requests = 0;
  let changesDone = 0;
  let changesFailed = 0;
  let changesTotal = 0;
  let lastPrinted = started;
  let lineShown = false;
  const interval = opts.intervalMs ?? (io.stderrIsTTY ? 100 : 5000);

  function line(): string {
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? requests / seconds : 0;
    const pageCount = Object.values(pages).reduce((a, b) => a + b, 0);
    let text = `grantsync: ${pageCount} pages (${items} items) read, ${requests} requests, ${rate.toFixed(1)} req/s`;
    if (changesTotal > 0) {
      const left = changesTotal - changesDone;
      const eta = rate > 0 && changesDone > 0 ? ` ~${Math.ceil(left / (changesDone / seconds))}s left` : '';
      text += `, ${changesDone}/${changesTotal} changes applied${changesFailed > 0 ? `, ${changesFailed} failed` : ''}${eta}`;
    }
    return text;
  }
  function tick(force = false): void {
    if (opts.quiet) return;
    const t = now();
    if (!force && t - lastPrinted < interval) return;
    lastPrinted = t;
    if (io.stderrIsTTY) {
      io.err(`\r\u001b[2K${line()}`);
      lineShown = true;
    } else if (t - started >= interval) {
      io.err(`${line()}\n`);
    }
  }
  return {
    page(resource, count) {
      pages[resource] = (pages[resource] ?? 0) + 1;
      items += count;
      tick();
    },
    request(event) {
      requests++;
      if (opts.verbose) {
        if (lineShown) io.err('\r\u001b[2K');
        lineShown = false;
        const retry = event.attempt > 0 ? ` (retry ${event.attempt})` : '';
        io.err(`${event.method} /${event.path} ${event.status} ${Math.round(event.ms)}ms${retry}\n`);
      }
      tick();
    },
    change(applied, total, failed = 0) {
      changesDone = applied;
      changesFailed = failed;
      changesTotal = total;
      tick();
    },
    around(write) {
      const shown = lineShown;
      if (shown) io.err('\r\u001b[2K');
      lineShown = false;
      write();
      if (shown) tick(true);
    },
    done() {
      if (lineShown) io.err('\r\u001b[2K');
      lineShown = false;
    },
  };
}
