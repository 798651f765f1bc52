// Shared by the benchmarks: seeded tenants, grant files, the emulator in its own process, the CLI
// as a child process with a CPU/RSS probe.
import { spawn } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmulatorStats } from '../../src/emulator/server.js';
import type { Seed, SeedGrant } from '../../src/emulator/seed.js';

// Compiled to dist-bench/test/bench/: the product under benchmark is the normal build in dist/.
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = `${ROOT}dist/cli.js`;
const PROBE = new URL('./probe.js', import.meta.url).href;
export const TENANT = 'bench.example.com';
const MAPI = `https://${TENANT}/api/v2/`;
export const DEPLOYER = { client_id: 'benchDeployer000000000000000000A', secret: 'bench-secret-local-only' };
export const PAGE = 100;

export interface Row {
  scenario: string;
  requests: Record<string, number>;
  total: number;
  minimum: number;
  writes: number;
  wallSeconds: number;
  floorSeconds: number;
  rateLimited: number;
  cpuSeconds: number;
  peakRssMb: number;
  exitCode: number;
}

// ---- tenants ----

export function clientId(i: number): string {
  return `client${String(i).padStart(6, '0')}${'x'.repeat(20)}`;
}
export function api(i: number): string {
  return `https://api${String(i).padStart(4, '0')}.example.com/`;
}
export const SCOPES = ['read:items', 'write:items', 'delete:items', 'read:reports', 'admin'];

export function tenantOf(grants: number, clients: number, apis: number): { seed: Seed; live: SeedGrant[] } {
  const live: SeedGrant[] = [];
  for (let i = 0; live.length < grants; i++) {
    const client = i % clients;
    const audience = Math.floor(i / clients) % apis;
    const subject = Math.floor(i / (clients * apis)) % 2 === 0 ? 'client' : 'user';
    live.push({ client_id: clientId(client), audience: api(audience), scope: SCOPES.slice(0, 1 + (i % SCOPES.length)), subject_type: subject });
  }
  const seed: Seed = {
    tenant: TENANT,
    clients: [
      { client_id: DEPLOYER.client_id, name: 'deployer', app_type: 'non_interactive', client_secret: DEPLOYER.secret },
      ...Array.from({ length: clients }, (_, i) => ({ client_id: clientId(i), name: `service-${i}`, app_type: 'non_interactive' })),
    ],
    resource_servers: Array.from({ length: apis }, (_, i) => ({ identifier: api(i), name: `API ${i}`, scopes: SCOPES })),
    client_grants: [
      { client_id: DEPLOYER.client_id, audience: MAPI, scope: ['read:client_grants', 'create:client_grants', 'update:client_grants', 'delete:client_grants', 'read:clients', 'read:resource_servers'] },
      ...live,
    ],
  };
  return { seed, live };
}

/** Grants as YAML, one file per API (the layout export would write). */
export function writeGrants(dir: string, grants: SeedGrant[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'grantsync.yaml'), 'manage: all\nmax_deletes: 100000\n');
  const byApi = new Map<string, string[]>();
  for (const g of grants) {
    const lines = byApi.get(g.audience) ?? [];
    lines.push(`  - client_id: ${g.client_id}\n    audience: ${g.audience}\n    scope: [${(g.scope ?? []).join(', ')}]\n${g.subject_type === 'user' ? '    subject_type: user\n' : ''}`);
    byApi.set(g.audience, lines);
  }
  let n = 0;
  for (const [, lines] of byApi) writeFileSync(path.join(dir, `api-${n++}.yaml`), `grants:\n${lines.join('')}`);
  if (byApi.size === 0) writeFileSync(path.join(dir, 'empty.yaml'), 'grants: []\n');
}

// ---- processes ----

export interface Started {
  url: string;
  stop(): Promise<void>;
  stats(): Promise<EmulatorStats>;
  resetStats(): Promise<void>;
}

/** The emulator's admin routes (with its admin token), over http or (with the certificate to trust) https. */
async function admin(url: string, method: 'GET' | 'POST', token: string, ca?: string): Promise<unknown> {
  const headers = { authorization: `Bearer ${token}` };
  const parse = (status: number, text: string): unknown => {
    if (status >= 400) throw new Error(`emulator ${method} ${new URL(url).pathname} answered ${status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  if (!ca) {
    const res = await fetch(url, { method, headers });
    return parse(res.status, await res.text());
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, ca, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        try {
          resolve(parse(res.statusCode ?? 0, text));
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Starts `grantsync emulator` and reads where it listens and its admin token from what it prints. */
export async function startEmulatorProcess(seedFile: string, extra: string[], env: Record<string, string> = {}, ca?: string): Promise<Started> {
  const child = spawn(process.execPath, [CLI, 'emulator', '--seed', seedFile, '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /AUTH0_DOMAIN=(\S+)/.exec(out);
      const token = /GRANTSYNC_EMULATOR_ADMIN_TOKEN=(\S+)/.exec(out);
      if (url && token) resolve({ url: url[1]!, token: token[1]! });
    });
    child.on('exit', (code) => reject(new Error(`emulator exited ${code}`)));
  });
  return {
    url,
    stats: async () => (await admin(`${url}/__emulator/stats`, 'GET', token, ca)) as EmulatorStats,
    resetStats: async () => void (await admin(`${url}/__emulator/reset-stats`, 'POST', token, ca)),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; wall: number; cpu: number; rssMb: number; stderr: string }> {
  const probeOut = path.join(os.tmpdir(), `grantsync-probe-${process.pid}-${Date.now()}.json`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', PROBE, CLI, ...args], {
    env: { PATH: process.env.PATH, NO_COLOR: '1', BENCH_PROBE_OUT: probeOut, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  const wall = (performance.now() - started) / 1000;
  const probe = JSON.parse(readFileSync(probeOut, 'utf8')) as { cpuMicros: number; maxRssKb: number };
  rmSync(probeOut, { force: true });
  return { code, wall, cpu: probe.cpuMicros / 1e6, rssMb: probe.maxRssKb / 1024, stderr };
}

export function byMethod(stats: EmulatorStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [route, count] of Object.entries(stats.byRoute)) {
    const method = route.split(' ')[0]!;
    out[method] = (out[method] ?? 0) + count;
  }
  return out;
}

/** Pages needed to read n items at 100 per page: a short (possibly empty) last page ends a listing. */
export function pages(n: number, checkpoint: boolean): number {
  return checkpoint ? Math.max(1, Math.ceil(n / PAGE)) : Math.floor(n / PAGE) + 1;
}

