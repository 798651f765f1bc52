// The emulator's composition: an HTTP(S) server whose requests pass, in order, through the admin check,
// the route table, the rate limit, latency and faults, the token check, the handler and persistence.
// Each of those lives in its own module; this file only wires them together.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AdminApi, ADMIN_PREFIX, newAdminToken } from './admin.js';
import { TokenService } from './auth.js';
import { systemClock, type Clock } from './clock.js';
import { FaultInjector, seededRandom, type FaultOptions } from './faults.js';
import { openTenant, StateFile } from './persistence.js';
import { DEFAULT_RATE_LIMIT, TokenBucket, type RateLimitOptions } from './rate-limit.js';
import { managementRoutes, RouteTable, type Route } from './routes.js';
import type { Seed } from './seed.js';
import { StatsRecorder, type EmulatorStats } from './stats.js';
import { error, type Reply } from './reply.js';
import type { TenantStore } from './store.js';
import { readBody, send } from './wire.js';

export { seededRandom, type FaultOptions } from './faults.js';
export type { RateLimitOptions } from './rate-limit.js';
export type { EmulatorStats } from './stats.js';
export type { Clock } from './clock.js';
export { StateFileError } from './persistence.js';

export interface EmulatorOptions {
  seed: Seed;
  host?: string;
  port?: number;
  /** Persist the tenant here after every write (mode 0600); loaded instead of the seed when it exists. */
  statePath?: string;
  /** The Management API's bucket; default DEFAULT_RATE_LIMIT (generous). Its headers come on every answer. */
  rateLimit?: RateLimitOptions;
  /**
   * The organization client-grant endpoints' own bucket (Auth0 Enterprise: read burst 10, 100/minute).
   * Those endpoints never take from the global bucket; without this option they are not limited.
   */
  organizationRateLimit?: RateLimitOptions;
  /** Added to every API request: a fixed delay, or a range. */
  latencyMs?: number | { min: number; max: number };
  faults?: FaultOptions;
  tokenLifetimeSeconds?: number;
  /** Seed for ids, so runs are reproducible. */
  randomSeed?: number;
  /** Serve HTTPS with this certificate (PEM), for clients that only speak https (auth0-deploy-cli). */
  tls?: { cert: string; key: string };
  /** Time for token expiry and rate-limit refills; default the real clock. */
  clock?: Clock;
}

export interface Emulator {
  url: string;
  port: number;
  /** Needed as `Authorization: Bearer <adminToken>` by every `/__emulator/` endpoint; random per start. */
  adminToken: string;
  store: TenantStore;
  stats(): EmulatorStats;
  /** Resolves once this many client-grant writes have succeeded since the last resetStats (tests wait on it). */
  untilWrites(writes: number): Promise<void>;
  resetStats(): void;
  setFaults(faults: FaultOptions): void;
  setRateLimit(rateLimit: RateLimitOptions | undefined): void;
  close(): Promise<void>;
}

/** The server could not start: the port is taken, the certificate is unusable, the state file is unreadable. */
export class EmulatorStartError extends Error {
  constructor(
    message: string,
    readonly reason: 'listen' | 'tls',
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'EmulatorStartError';
  }
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const clock = options.clock ?? systemClock;
  const store = openTenant(options.seed, options.statePath, seededRandom(options.randomSeed ?? (clock.now() & 0xffffffff)));
  const stats = new StatsRecorder();
  const faults = new FaultInjector(options.faults, stats);
  const adminToken = newAdminToken();
  // A generous bucket when none is configured: the headers come on every answer, as Auth0's do.
  let bucket = new TokenBucket(options.rateLimit ?? DEFAULT_RATE_LIMIT, clock);
  // The token endpoint is the Authentication API, with limits of its own.
  const tokenBucket = new TokenBucket(DEFAULT_RATE_LIMIT, clock);
  const organizationBucket = options.organizationRateLimit ? new TokenBucket(options.organizationRateLimit, clock) : undefined;
  const pipeline = new RequestPipeline({
    routes: new RouteTable(managementRoutes()),
    admin: new AdminApi(adminToken, { store, stats, faults }),
    tokens: new TokenService(store, clock, faults, stats, options.tokenLifetimeSeconds ?? 86_400),
    stateFile: options.statePath ? new StateFile(options.statePath, store) : undefined,
    bucket: (route) => (route?.rateLimit === 'organizations' && organizationBucket ? organizationBucket : bucket),
    tokenBucket,
    latencyMs: options.latencyMs,
    store,
    stats,
    faults,
  });
  const server = await listen(options, pipeline.listener);
  const address = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://${address.address}:${address.port}`,
    port: address.port,
    adminToken,
    store,
    stats: () => stats.snapshot(),
    untilWrites: (writes) => stats.untilWrites(writes),
    resetStats: () => stats.reset(),
    setFaults: (next) => faults.set(next),
    setRateLimit(next) {
      bucket = new TokenBucket(next ?? DEFAULT_RATE_LIMIT, clock);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface PipelineParts {
  routes: RouteTable;
  admin: AdminApi;
  tokens: TokenService;
  stateFile: StateFile | undefined;
  /** The bucket a route draws from; an unknown path (undefined) draws from the Management API's. */
  bucket: (route: Route | undefined) => TokenBucket;
  tokenBucket: TokenBucket;
  latencyMs: EmulatorOptions['latencyMs'];
  store: TenantStore;
  stats: StatsRecorder;
  faults: FaultInjector;
}

/** One request's way through the emulator. */
class RequestPipeline {
  constructor(private readonly parts: PipelineParts) {}

  readonly listener: RequestListener = (req, res) => {
    res.on('close', this.parts.stats.enter());
    this.handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, error(500, `emulator error: ${(err as Error).message}`));
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { routes, admin, tokens, stats, faults, store } = this.parts;
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    if (url.pathname.startsWith(ADMIN_PREFIX)) {
      const answer = admin.handle(method, url.pathname, req.headers.authorization, body);
      return send(res, answer.reply, answer.headers);
    }
    const match = routes.match(method, url.pathname);
    stats.request(match.key);
    const reply = (r: Reply, headers: Record<string, string> = {}): void => {
      stats.status(r.status);
      send(res, r, headers);
    };
    if (match.key === 'POST /oauth/token') {
      const limited = this.parts.tokenBucket.take();
      if (limited.exhausted) return reply({ status: 429, body: { error: 'too_many_requests', error_description: 'Global limit has been reached' } }, limited.headers);
      return reply(await tokens.issue({ body, contentType: req.headers['content-type'] ?? '', host: req.headers.host }), limited.headers);
    }
    // Every answer carries the rate-limit headers, an unknown path's 404 included.
    const limited = this.parts.bucket(match.route).take();
    if (limited.exhausted) {
      stats.current.rateLimited++;
      return reply(error(429, 'Global limit has been reached', 'too_many_requests'), limited.headers);
    }
    const headers = limited.headers;
    if (!match.route) return reply(error(404, 'Not Found'), headers);
    await this.delay();
    const fault = faults.beforeRequest();
    if (fault === 'reset') return void req.socket.destroy();
    if (fault === 'server-error') return reply(error(503, 'The service is unavailable (injected fault)'), headers);
    const auth = tokens.authorize(req.headers.authorization, match.route.scopes);
    if ('reply' in auth) return reply(auth.reply, headers);

    const result = match.route.handle({ store, query: url.searchParams, params: match.params, body, scopes: auth.scopes });
    if (result.status < 300 && method !== 'GET') {
      stats.write();
      this.parts.stateFile?.saveIfChanged();
      if (faults.loseReply()) return void req.socket.destroy();
    }
    reply(result, headers);
  }

  private async delay(): Promise<void> {
    const latency = this.parts.latencyMs;
    if (!latency) return;
    const ms = typeof latency === 'number' ? latency : latency.min + this.parts.faults.random() * (latency.max - latency.min);
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

async function listen(options: EmulatorOptions, listener: RequestListener): Promise<Server> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  let server: Server;
  try {
    server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createServer(listener);
  } catch (cause) {
    throw new EmulatorStartError(`the TLS certificate and key cannot be used: ${(cause as Error).message}`, 'tls', { cause });
  }
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause: NodeJS.ErrnoException) => reject(new EmulatorStartError(listenProblem(host, port, cause), 'listen', { cause })));
    server.listen(port, host, () => resolve());
  });
  return server;
}

function listenProblem(host: string, port: number, cause: NodeJS.ErrnoException): string {
  const where = `${host}:${port}`;
  if (cause.code === 'EADDRINUSE') return `cannot listen on ${where}: port ${port} is already in use`;
  if (cause.code === 'EACCES') return `cannot listen on ${where}: port ${port} needs privileges this process does not have`;
  if (cause.code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: ${host} is not an address of this machine`;
  return `cannot listen on ${where}: ${cause.message}`;
}
