// What plan and apply share: the environment, a client wired to progress, and the planned state.
import { ManagementClient } from '../api/http.js';
import type { Redactor } from '../api/redact.js';
import type { Breaker } from '../apply/breaker.js';
import type { DesiredState } from '../config/load.js';
import { checkTenant, loadDirectory, planFromState, readTenant, type PlanResult } from '../engine.js';
import { describeAssociationReads, readOrganizationAccess } from '../engine-organizations.js';
import type { Budget, TenantSnapshot } from '../model/types.js';
import { renderProblems } from '../render/problems.js';
import { readEnvironment, type Env, type Environment } from './environment.js';
import type { Io } from './io.js';
import { createProgress, type Progress } from './progress.js';

export interface CommonOptions {
  dir: string;
  quiet: boolean;
  verbose: boolean;
  maxRps?: number;
  concurrency?: number;
  /** Read grant files and includes that resolve outside the repository (`--allow-outside`). */
  allowOutside?: boolean;
  /** Today (YYYY-MM-DD, UTC) for `expires:` entries: main() reads the clock and passes it in. */
  today?: string;
}

export interface Session {
  environment: Environment;
  client: ManagementClient;
  progress: Progress;
  allowOutside: boolean;
  verbose: boolean;
  /** Today (YYYY-MM-DD, UTC); undefined leaves the engine to read the clock. */
  today?: string;
  /** Set by apply before its first write: it sees every request, and when open the client stops retrying. */
  breaker?: Breaker;
}

export function openSession(env: Env, io: Io, redactor: Redactor, options: CommonOptions): Session {
  const environment = readEnvironment(env);
  const progress = createProgress(io, { quiet: options.quiet, verbose: options.verbose });
  const session: Partial<Session> = {};
  const client = new ManagementClient({
    endpoint: environment.endpoint,
    credentials: environment.credentials,
    redactor,
    maxRequestsPerSecond: options.maxRps,
    writeConcurrency: options.concurrency,
    retry: environment.retry,
    timeoutMs: environment.timeoutMs,
    onRequest: (event) => {
      progress.request(event);
      session.breaker?.request(event.status);
    },
    onPage: (resource, items) => progress.page(resource, items),
    stopRetrying: () => session.breaker?.open === true,
  });
  return Object.assign(session, { environment, client, progress, allowOutside: options.allowOutside ?? false, verbose: options.verbose, today: options.today });
}

export interface Planned extends PlanResult {
  state: DesiredState;
  tenant: TenantSnapshot;
}

/**
 * Files first (no network), then the tenant check, then `beforeReads` (plan and validate check their
 * token's scopes there), then the reads.
 */
export async function planDirectory(session: Session, io: Io, dir: string, env: Env, beforeReads?: () => Promise<void>, budget?: Budget): Promise<Planned> {
  const state = await loadDirectory(dir, env, { allowOutside: session.allowOutside });
  checkTenant(state, session.environment.endpoint);
  await beforeReads?.();
  const read = await readOrganizationAccess(session.client, state, await readTenant(session.client), {
    ownClientId: session.client.tokens.clientId,
    grantedScopes: session.client.tokens.scopes,
  });
  const tenant = read.tenant;
  session.progress.done();
  const how = describeAssociationReads(read.reads);
  if (how !== undefined && session.verbose) io.err(`${how}\n`);
  const result = planFromState(state, tenant, {
    tenantName: state.settings.tenant ?? session.environment.endpoint.host,
    ownClientId: session.client.tokens.clientId,
    ...(budget ? { budget } : {}),
    ...(session.today ? { today: session.today } : {}),
  });
  if (result.warnings.length > 0) io.err(renderProblems(result.warnings));
  return { ...result, state, tenant };
}
