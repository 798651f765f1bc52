// The ApiErrors a Management API request ends with, worded so that a user can act on them: the
// request as method and path (never a secret), Auth0's own message and code, and what to check.
// Every text goes through the redactor, since an API may echo what it was sent.
import type { Response } from 'got';
import { ApiError } from '../errors.js';
import type { LiveGrant } from '../model/types.js';
import type { Redactor } from './redact.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A request as errors name it. */
export interface Request {
  method: Method;
  path: string;
  searchParams?: Record<string, string | number | boolean>;
  /** The token request itself (its redirect hint adds AUTH0_AUDIENCE). */
  tokenRequest?: boolean;
}

/** An error status: Auth0's message and code, and a hint when grantsync knows what to check. */
export function statusError(request: Request, res: Response<string>, outcomeUnknown: boolean, redactor: Redactor): ApiError {
  const { detail, errorCode } = readErrorBody(res);
  const hint = hintFor(res.statusCode, request.path, errorCode);
  return new ApiError({
    message: redactor.redact(`${request.method} /${showPath(request)} → ${res.statusCode} ${detail}${errorCode ? ` (${errorCode})` : ''}${hint ? `. ${hint}` : ''}`),
    method: request.method,
    path: `/${request.path}`,
    status: res.statusCode,
    errorCode,
    outcomeUnknown,
  });
}

function readErrorBody(res: Response<string>): { detail: string; errorCode: string | undefined } {
  let detail = res.statusMessage ?? '';
  let errorCode: string | undefined;
  try {
    const body = JSON.parse(res.body) as { statusCode?: unknown; message?: unknown; error?: unknown; error_description?: unknown; errorCode?: unknown };
    const message = body.message ?? body.error_description;
    if (typeof message === 'string') detail = message;
    // Management API errors carry `errorCode` (optional; `error` is only the reason phrase);
    // OAuth errors from /oauth/token carry the code in `error`.
    if (typeof body.errorCode === 'string') errorCode = body.errorCode;
    else if (body.statusCode === undefined && typeof body.error === 'string') errorCode = body.error;
  } catch {
    // Not JSON (a proxy's HTML page, say): the status line is all we show.
  }
  return { detail, errorCode };
}

/** A 3xx: refused, never followed (nothing was sent to where it points). */
export function redirectError(request: Request, res: Response<string>, baseUrl: string, outcomeUnknown: boolean, redactor: Redactor): ApiError {
  return new ApiError({
    message: redactor.redact(
      `${request.method} /${showPath(request)} → ${res.statusCode} redirect to ${redirectTarget(res.headers.location, baseUrl)}: ` +
        'refused, grantsync never follows redirects (nothing was sent there). Check AUTH0_DOMAIN' +
        (request.tokenRequest ? ' and AUTH0_AUDIENCE' : '') +
        ': it must name the tenant itself, not a host that forwards to it',
    ),
    method: request.method,
    path: `/${request.path}`,
    status: res.statusCode,
    // A redirect should mean the write was not done, but a server that redirects writes is not to be
    // trusted on that: treat a write's outcome as unknown, like a lost reply.
    outcomeUnknown,
  });
}

/** An answer grantsync cannot read as what it asked for. */
export function shapeError(request: Pick<Request, 'method' | 'path'>, what: string): ApiError {
  return new ApiError({ message: `${request.method} /${request.path}: unexpected answer: ${what}`, method: request.method, path: `/${request.path}` });
}

/** The answer's body as JSON, or an ApiError saying it is not JSON. */
export function parseBody(res: Response<string>, request: Pick<Request, 'method' | 'path'>): unknown {
  try {
    return JSON.parse(res.body);
  } catch {
    throw new ApiError({
      message: `${request.method} /${request.path}: the answer is not JSON (status ${res.statusCode})`,
      method: request.method,
      path: `/${request.path}`,
      status: res.statusCode,
    });
  }
}

/** Where a Location header points, as scheme://host[:port] only: no user, password, path or query, which may carry secrets. */
export function redirectTarget(location: string | undefined, base: string): string {
  if (!location) return 'nowhere (no Location header)';
  try {
    const url = new URL(location, base);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'an unreadable Location';
  }
}

/** Path and query as errors and progress lines show them. */
export function showPath(request: Pick<Request, 'path' | 'searchParams'>): string {
  if (!request.searchParams) return request.path;
  const query = new URLSearchParams(Object.entries(request.searchParams).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return query ? `${request.path}?${query}` : request.path;
}

function hintFor(status: number, path: string, errorCode: string | undefined): string | undefined {
  if (path === 'oauth/token' && status === 401) return 'Check AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET';
  if (path === 'oauth/token' && status === 403) return 'The client needs a grant to the Management API (APIs → Auth0 Management API → Machine to Machine Applications)';
  if (status === 401) return 'The token was refused; check the credentials';
  if (errorCode === 'insufficient_scope') return 'Grant the missing scope to the client grantsync runs as';
  return undefined;
}

/**
 * The grant a successful write answered with. An answer that is no grant (not JSON, or no `id`)
 * leaves the write's outcome unknown, as a lost reply does: apply reads the key back and adopts what
 * it finds, instead of failing the change or carrying on with a grant it cannot name.
 */
export function writtenGrant(res: Response<string>, request: { method: string; path: string }): LiveGrant {
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    body = undefined;
  }
  if (typeof body === 'object' && body !== null && typeof (body as { id?: unknown }).id === 'string') return body as LiveGrant;
  throw new ApiError({
    message: `${request.method} /${request.path}: the answer (status ${res.statusCode}) is not a grant (${body === undefined ? 'not JSON' : 'no id'}), so whether it took effect is unknown`,
    method: request.method,
    path: `/${request.path}`,
    status: res.statusCode,
    outcomeUnknown: true,
  });
}
