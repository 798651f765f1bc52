// Pull-request jobs run code from the pull request, so they must never hold write access to the
// tenant (Auth0 warns that create:/update:client_grants let a client grant itself more). `plan` and
// `validate` look at the scopes of their own token and refuse to read anything with a write scope
// in a pull-request job, unless --allow-write-credentials says the risk is known.
import type { TokenSource } from '../api/token.js';
import { InputError, RefusedError } from '../errors.js';
import type { Change } from '../model/types.js';
import { writeScopesNeeded } from '../plan/refusals.js';
import type { Env } from './environment.js';

const WRITE_SCOPE = /^(create|update|delete):/;

/** GitHub sets GITHUB_EVENT_NAME to pull_request, pull_request_target, pull_request_review, … */
export function inPullRequestJob(env: Env): boolean {
  return (env.GITHUB_EVENT_NAME ?? '').startsWith('pull_request');
}

/** The token's create:/update:/delete: scopes (undefined when the token's scopes cannot be told). */
export function writeScopes(scopes: readonly string[] | undefined): string[] | undefined {
  return scopes?.filter((s) => WRITE_SCOPE.test(s));
}

/** Throws InputError when a pull-request job holds (or may hold) write credentials. Fetches the token. */
export async function refuseWriteCredentials(tokens: TokenSource, env: Env, allow: boolean): Promise<void> {
  if (allow || !inPullRequestJob(env)) return;
  await tokens.get();
  const writes = writeScopes(tokens.scopes);
  const event = `GITHUB_EVENT_NAME=${env.GITHUB_EVENT_NAME}`;
  const hint =
    'Give pull-request jobs a read-only application (read:client_grants, read:clients, read:resource_servers) and keep the ' +
    'write application for the apply job on main; --allow-write-credentials runs anyway.';
  if (writes === undefined) {
    throw new InputError([{ message: `this is a pull-request job (${event}) and the Management API token's scopes cannot be told (no scope claim), so it may hold write access`, hint }]);
  }
  if (writes.length > 0) {
    throw new InputError([
      { message: `this is a pull-request job (${event}), and its Management API credentials hold write scopes: ${writes.join(', ')}; refusing to run pull-request code with them`, hint },
    ]);
  }
}

/**
 * apply, before its first write: the token must hold the client_grants write scopes the changes take
 * (its scopes as the token answer or the JWT tell them). A token whose scopes cannot be told goes on:
 * the breaker stops the apply at the first 403.
 */
export async function refuseMissingWriteScopes(tokens: TokenSource, changes: readonly Change[]): Promise<void> {
  if (changes.length === 0) return;
  await tokens.get();
  const granted = tokens.scopes;
  if (granted === undefined) return;
  const missing = writeScopesNeeded(changes).filter((s) => !granted.includes(s));
  if (missing.length === 0) return;
  const who = tokens.clientId ? `client ${tokens.clientId}` : 'the client grantsync runs as';
  throw new RefusedError(
    `the Management API token of ${who} lacks ${missing.join(', ')}, which this plan needs (it has ${writeScopes(granted)!.join(', ') || 'no write scope'}); nothing was changed. ` +
      'Authorise the application for these scopes (Auth0 Dashboard → APIs → Auth0 Management API → Machine to Machine Applications), or run apply with the apply application\'s credentials.',
  );
}
