// Pull-request jobs run code from the pull request, so they must never hold write access to the
// tenant (Auth0 warns that create:/update:client_grants let a client grant itself more). `plan` and
// `validate` look at the scopes of their own token and refuse to read anything with a write scope
// in a pull-request job, unless --allow-write-credentials says the risk is known.
import type { TokenSource } from '../api/token.js';
import { InputError } from '../errors.js';
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
