// The environment, read once into typed values here and nowhere else: credentials, the endpoint,
// and the retry tuning. Commands receive these values, never process.env.
import type { ClientOptions } from '../api/http.js';
import { parseDomain, type Endpoint } from '../api/domain.js';
import { InputError } from '../errors.js';

export interface Environment {
  endpoint: Endpoint;
  credentials: ClientOptions['credentials'];
}

export type Env = Record<string, string | undefined>;

export function readEnvironment(env: Env): Environment {
  const endpoint = parseDomain(env.AUTH0_DOMAIN);
  const token = env.AUTH0_ACCESS_TOKEN?.trim();
  const clientId = env.AUTH0_CLIENT_ID?.trim();
  const clientSecret = env.AUTH0_CLIENT_SECRET;
  if (clientId && clientSecret) {
    return { endpoint, credentials: { clientId, clientSecret, ...(env.AUTH0_AUDIENCE ? { audience: env.AUTH0_AUDIENCE } : {}) } };
  }
  if (token) return { endpoint, credentials: { accessToken: token } };
  throw new InputError([
    {
      message: clientId ? 'AUTH0_CLIENT_SECRET is not set' : 'no Management API credentials in the environment',
      hint: 'Set AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET (a machine-to-machine application), or AUTH0_ACCESS_TOKEN.',
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
export function retryTuning(env: Env): { baseDelayMs?: number; maxDelayMs?: number } {
  const ms = (name: string): number | undefined => {
    const value = Number(env[name]);
    return env[name] !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined;
  };
  const base = ms('GRANTSYNC_RETRY_BASE_MS');
  const max = ms('GRANTSYNC_RETRY_MAX_MS');
  return { ...(base !== undefined ? { baseDelayMs: base } : {}), ...(max !== undefined ? { maxDelayMs: max } : {}) };
}
