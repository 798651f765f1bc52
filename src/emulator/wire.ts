// HTTP plumbing shared by the emulator's modules: reading bodies, parsing JSON, writing replies.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { REASONS, type Reply } from './reply.js';

const JSON_TYPE = 'application/json; charset=utf-8';
/** Auth0's payload limit. */
const MAX_BODY_BYTES = 1024 * 1024;

export function send(res: ServerResponse, reply: Reply, headers: Record<string, string> = {}): void {
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  // Auth0 sends the JSON content type even on 204 (recorded).
  res.writeHead(reply.status, REASONS[reply.status], { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An empty body parses as `undefined`; `ok` is false only for text that is not JSON. */
export function parseJson(raw: string): { ok: boolean; value?: unknown } {
  if (raw === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

/** Compares secrets in constant time (for equal lengths; callers that must hide the length hash first). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
