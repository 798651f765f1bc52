// What plan and apply share: the environment, a client wired to progress, and the planned state.
import { ManagementClient } from '../api/http.js';
import type { Redactor } from '../api/redact.js';
import type { Breaker } from '../apply/breaker.js';
import type { DesiredState } from '../config/load.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { setMaxListeners } from 'node:events';
import { checkTenant } from '../config/tenant-check.js';
import type { EarlyResolution, PlanResult } from '../engine.js';
import { GrantPageFeed, loadWhileReading } from '../engine-reads.js';
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
  /** Cancels the client's requests and waits (bad grant files found while the tenant was being read). */
  cancel(): void;
}

export function openSession(env: Env, io: Io, redactor: Redactor, options: CommonOptions): Session {
  const environment = readEnvironment(env);
  const progress = createProgress(io, { quiet: options.quiet, verbose: options.verbose });
  const session: Partial<Session> = {};
  const cancelled = new AbortController();
  // Every request and wait of the session listens on this one signal, and a plan has a page of each
  // listing in flight at once (one per API): past Node's default of 10 listeners it would print a
  // "possible memory leak" warning to the user. Each listener is removed when its request ends.
  setMaxListeners(0, cancelled.signal);
  const client = new ManagementClient({
    signal: cancelled.signal,
    // Waits (rate limit, retries) end when the requests are cancelled: no timer outlives them.
    clock: { now: () => Date.now(), sleep: (ms) => sleep(Math.max(0, ms), undefined, { signal: cancelled.signal }) },
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
  const cancel = (): void => cancelled.abort(new Error('cancelled'));
  return Object.assign(session, { environment, client, progress, allowOutside: options.allowOutside ?? false, verbose: options.verbose, today: options.today, cancel });
}

export interface Planned extends PlanResult {
  state: DesiredState;
  tenant: TenantSnapshot;
}

export interface PlanSteps {
  /** Before the first read: plan and validate check their token's scopes here. */
  beforeReads?: () => Promise<void>;
  budget?: Budget;
  /**
   * Once the files are parsed and good, while the rate limit holds the reads: the command loads what
   * it needs after them (its renderers), so that loading does not follow the last answer.
   */
  whileReading?: () => Promise<unknown>;
}

/**
 * grantsync.yaml first (no network), then the tenant check, then `beforeReads`, then the reads, while
 * the grant files are parsed (see src/engine-reads.ts). Bad files are reported before anything the
 * tenant check or the reads found.
 */
export async function planDirectory(session: Session, io: Io, dir: string, env: Env, steps: PlanSteps = {}): Promise<Planned> {
  const { beforeReads, budget, whileReading } = steps;
  let early: EarlyResolution | undefined;
  const feed = new GrantPageFeed();
  const loaded = await loadWhileReading(dir, {
    api: session.client,
    env,
    read: { allowOutside: session.allowOutside },
    beforeReads: async (settings) => {
      checkTenant({ settings, grants: [] }, session.environment.endpoint);
      await beforeReads?.();
    },
    ownClientId: () => session.client.tokens.clientId,
    cancel: session.cancel,
    // Only a head start: a module that fails to load fails again where it is needed, and is reported there.
    whileReading: whileReading && (() => void whileReading().catch(() => undefined)),
    beforeGrants: async (state, partial) => {
      const { resolveBeforeGrants } = await import('../engine.js');
      try {
        early = resolveBeforeGrants(state, partial, { ownClientId: session.client.tokens.clientId, ...(session.today ? { today: session.today } : {}) });
      } catch {
        // Only a head start: planFromState resolves again, and reports what went wrong there.
      }
      if (early?.differ) await feed.start(early.differ);
    },
    onGrantPage: feed.page,
    onGrantReads: (reads) => {
      if (session.verbose) io.err(`grants: ${reads.by === 'all' ? `one listing (${reads.pages} pages)` : `one listing per API side by side (${reads.audiences.length} APIs, ${reads.pages} pages)`}\n`);
    },
  }).catch((error: unknown) => {
    // Reads may have drawn the progress line before a bad file was found: clear it before the problems.
    session.progress.done();
    throw error;
  });
  const state = loaded.state;
  // Loaded here, not before the first request: the reads need none of the planning code, and loading
  // it (≈ 100 modules) after they are under way costs nothing while the rate limit makes them wait.
  const [{ planFromState }, { describeAssociationReads, readOrganizationAccess }] = await Promise.all([import('../engine.js'), import('../engine-organizations.js')]);
  const read = await readOrganizationAccess(session.client, state, loaded.tenant, {
    ownClientId: session.client.tokens.clientId,
    grantedScopes: session.client.tokens.scopes,
  });
  const tenant = read.tenant;
  feed.flush();
  session.progress.done();
  const how = describeAssociationReads(read.reads);
  if (how !== undefined && session.verbose) io.err(`${how}\n`);
  const result = planFromState(state, tenant, {
    tenantName: state.settings.tenant ?? session.environment.endpoint.host,
    ownClientId: session.client.tokens.clientId,
    ...(budget ? { budget } : {}),
    ...(session.today ? { today: session.today } : {}),
    ...(early ? { early } : {}),
  });
  if (result.warnings.length > 0) io.err(renderProblems(result.warnings));
  return { ...result, state, tenant };
}
