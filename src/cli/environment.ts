// The environment, read once into typed values here and nowhere else: credentials, the endpoint,
// and the request tuning (GRANTSYNC_RETRY_*, GRANTSYNC_TIMEOUT_MS). Commands receive these values,
// never process.env.
import type { ClientOptions } from '../api/http.js';
import { parseDomain, type Endpoint } from '../api/domain.js';
import { parseSigningAlgorithm } from '../api/signing-key.js';
import { InputError } from '../errors.js';
import { readSigningKeyFile } from './signing-key-file.js';

export interface Environment {
  endpoint: Endpoint;
  credentials: ClientOptions['credentials'];
  /** The backoff the environment tunes (the fault suites use short delays). */
  retry: { baseDelayMs?: number; maxDelayMs?: number };
  /** How long one request may wait for its answer; undefined for the client's default. */
  timeoutMs: number | undefined;
}

export type Env = Record<string, string | undefined>;

export function readEnvironment(env: Env, cwd: string = process.cwd()): Environment {
  return { ...readCredentials(env, cwd), retry: retryTuning(env), timeoutMs: timeoutMs(env) };
}

function readCredentials(env: Env, cwd: string): Pick<Environment, 'endpoint' | 'credentials'> {
  const endpoint = parseDomain(env.AUTH0_DOMAIN);
  const token = env.AUTH0_ACCESS_TOKEN?.trim();
  const clientId = env.AUTH0_CLIENT_ID?.trim();
  const clientSecret = env.AUTH0_CLIENT_SECRET;
  // Empty counts as unset: a workflow passes `${{ secrets.X }}` of an undefined secret as ''.
  const keyPath = env.AUTH0_CLIENT_SIGNING_KEY_PATH?.trim() || undefined;
  const algorithm = parseSigningAlgorithm(env.AUTH0_CLIENT_SIGNING_ALGORITHM);
  const audience = env.AUTH0_AUDIENCE ? { audience: env.AUTH0_AUDIENCE } : {};
  if (keyPath) {
    if (clientSecret) {
      throw new InputError([
        {
          message: 'both AUTH0_CLIENT_SECRET and AUTH0_CLIENT_SIGNING_KEY_PATH are set',
          hint: 'An application authenticates with a client secret or with Private Key JWT, not both: unset the one it does not use.',
        },
      ]);
    }
    if (!clientId) {
      throw new InputError([{ message: 'AUTH0_CLIENT_SIGNING_KEY_PATH is set but AUTH0_CLIENT_ID is not', hint: 'Private Key JWT needs the client id of the application whose public key is registered.' }]);
    }
    return { endpoint, credentials: { clientId, signingKey: readSigningKeyFile(keyPath, algorithm, cwd), ...audience } };
  }
  if (clientId && clientSecret) return { endpoint, credentials: { clientId, clientSecret, ...audience } };
  if (token) return { endpoint, credentials: { accessToken: token } };
  throw new InputError([
    {
      message: clientId ? 'neither AUTH0_CLIENT_SECRET nor AUTH0_CLIENT_SIGNING_KEY_PATH is set' : 'no Management API credentials in the environment',
      hint: 'Set AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET (a machine-to-machine application), AUTH0_CLIENT_ID and AUTH0_CLIENT_SIGNING_KEY_PATH (Private Key JWT), or AUTH0_ACCESS_TOKEN.',
    },
  ]);
}

/** Colour only on a TTY, never with NO_COLOR (https://no-color.org), and on request with FORCE_COLOR. */
export function useColor(env: Env, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return isTTY && env.TERM !== 'dumb';
}

/** GRANTSYNC_RETRY_BASE_MS / GRANTSYNC_RETRY_MAX_MS: backoff tuning (the fault suites use short delays). */
function retryTuning(env: Env): Environment['retry'] {
  const ms = (name: string): number | undefined => {
    const value = Number(env[name]);
    return env[name] !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined;
  };
  const base = ms('GRANTSYNC_RETRY_BASE_MS');
  const max = ms('GRANTSYNC_RETRY_MAX_MS');
  return { ...(base !== undefined ? { baseDelayMs: base } : {}), ...(max !== undefined ? { maxDelayMs: max } : {}) };
}

/** GRANTSYNC_TIMEOUT_MS: how long one request may wait for its answer (default 30000). */
function timeoutMs(env: Env): number | undefined {
  const value = Number(env.GRANTSYNC_TIMEOUT_MS);
  return env.GRANTSYNC_TIMEOUT_MS !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}
