// The two-application pipeline the docs recommend: a read-only plan app for pull requests and the
// demo deployer (write scopes) for the apply on main, both listed in pipeline_clients.
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Seed } from '../../src/emulator/seed.js';
import { SECRETS } from './cli.js';
import { DEMO_DEPLOYER, DEMO_SEED } from './emulator.js';

export const MAPI = 'https://demo.grantsync.local/api/v2/';
export const PLAN_APP = { clientId: 'gsPlanApp0000000000000000000000P', clientSecret: 'plan-app-secret-for-the-local-emulator' };
// Every CLI run is scanned for these (test/helpers/cli.ts).
if (!SECRETS.includes(PLAN_APP.clientSecret)) SECRETS.push(PLAN_APP.clientSecret);

export const PIPELINE_SEED: Seed = {
  ...DEMO_SEED,
  clients: [...DEMO_SEED.clients!, { client_id: PLAN_APP.clientId, name: 'grantsync-plan', app_type: 'non_interactive', client_secret: PLAN_APP.clientSecret }],
  client_grants: [...DEMO_SEED.client_grants!, { client: 'grantsync-plan', audience: MAPI, scope: ['read:client_grants', 'read:clients', 'read:resource_servers', 'read:organizations', 'read:organization_client_grants'] }],
};

/** A copy of the repository's grants/ under a new temporary directory, with both apps in pipeline_clients. */
export function pipelineGrants(prefix: string): { work: string; dir: string } {
  const work = mkdtempSync(path.join(tmpdir(), prefix));
  const dir = path.join(work, 'grants');
  cpSync(path.resolve('grants'), dir, { recursive: true });
  appendFileSync(path.join(dir, 'grantsync.yaml'), '\npipeline_clients: [grantsync-plan, grantsync-deployer]\n');
  return { work, dir };
}

export const asPlanApp = (env: Record<string, string>): Record<string, string> => ({ ...env, AUTH0_CLIENT_ID: PLAN_APP.clientId, AUTH0_CLIENT_SECRET: PLAN_APP.clientSecret });
export const asApplyApp = (env: Record<string, string>): Record<string, string> => ({ ...env, AUTH0_CLIENT_ID: DEMO_DEPLOYER.clientId, AUTH0_CLIENT_SECRET: DEMO_DEPLOYER.clientSecret });
