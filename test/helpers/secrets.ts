// The one secret scan of the suite: known secrets, and anything shaped like an issued token (a JWT).
// Every CLI run (test/helpers/cli.ts), every fault scenario and every published comment goes through it.

import { DEMO_DEPLOYER } from '../../src/demo/tenant.js';

/** Secrets no run may print. Suites that seed more secrets push them here. */
export const SECRETS: string[] = [DEMO_DEPLOYER.clientSecret];

const TOKEN_SHAPE = /eyJ[A-Za-z0-9_-]{5,}\.eyJ/;

/** What kind of secret `text` holds, or undefined when it holds none. */
export function findSecret(text: string): 'a secret' | 'a token' | undefined {
  if (SECRETS.some((secret) => text.includes(secret))) return 'a secret';
  return TOKEN_SHAPE.test(text) ? 'a token' : undefined;
}
