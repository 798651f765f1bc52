// `npm run bench`: request counts and wall time against the rate-limit floor (issue 5).
// The emulator runs in its own process (`grantsync emulator`), the CLI as a child process, the planner in-process.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diffGrants } from '../diff/diff.js';
import { normalizeState } from '../diff/state.js';
import type { EmulatorStats } from '../emulator/server.js';
import type { Seed, SeedGrant } from '../emulator/seed.js';
import type { DesiredGrant, LiveGrant } from '../model/types.js';
import { buildPlan } from '../plan/plan.js';

const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));
const PROBE = new URL('./probe.js', import.meta.url).href;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TENANT = 'bench.example.com';
const MAPI = `https://${TENANT}/api/v2/`;
const DEPLOYER = { client_id: 'benchDeployer000000000000000000A', secret: 'bench-secret-local-only' };
const PAGE = 100;

interface Row {
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

function clientId(i: number): string {
  return `client${String(i).padStart(6, '0')}${'x'.repeat(20)}`;
}
function api(i: number): string {
  return `https://api${String(i).padStart(4, '0')}.example.com/`;
}
const SCOPES = ['read:items', 'write:items', 'delete:items', 'read:reports', 'admin'];

function tenantOf(grants: number, clients: number, apis: number): { seed: Seed; live: SeedGrant[] } {
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
function writeGrants(dir: string, grants: SeedGrant[]): void {
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

interface Started {
  url: string;
  stop(): Promise<void>;
  stats(): Promise<EmulatorStats>;
  resetStats(): Promise<void>;
}

async function startEmulatorProcess(seedFile: string, extra: string[]): Promise<Started> {
  const child = spawn(process.execPath, [CLI, 'emulator', '--seed', seedFile, '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /AUTH0_DOMAIN=(\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`emulator exited ${code}`)));
  });
  return {
    url,
    stats: async () => (await (await fetch(`${url}/__emulator/stats`)).json()) as EmulatorStats,
    resetStats: async () => void (await fetch(`${url}/__emulator/reset-stats`, { method: 'POST' })),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; wall: number; cpu: number; rssMb: number; stderr: string }> {
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

function byMethod(stats: EmulatorStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [route, count] of Object.entries(stats.byRoute)) {
    const method = route.split(' ')[0]!;
    out[method] = (out[method] ?? 0) + count;
  }
  return out;
}

/** Pages needed to read n items at 100 per page: a short (possibly empty) last page ends a listing. */
function pages(n: number, checkpoint: boolean): number {
  return checkpoint ? Math.max(1, Math.ceil(n / PAGE)) : Math.floor(n / PAGE) + 1;
}

// ---- scenarios ----

async function planScenario(work: string, grants: number, clients: number, apis: number): Promise<Row> {
  const { seed, live } = tenantOf(grants, clients, apis);
  const seedFile = path.join(work, `seed-${grants}.json`);
  writeFileSync(seedFile, JSON.stringify(seed));
  const dir = path.join(work, `plan-${grants}`);
  writeGrants(dir, live);
  const emulator = await startEmulatorProcess(seedFile, []);
  try {
    await emulator.resetStats();
    const env = { AUTH0_DOMAIN: emulator.url, AUTH0_CLIENT_ID: DEPLOYER.client_id, AUTH0_CLIENT_SECRET: DEPLOYER.secret };
    const run = await runCli(['plan', '--dir', dir, '--quiet', '--detailed-exitcode'], env);
    const stats = await emulator.stats();
    const totalGrants = grants + 1;
    const minimum = 1 + pages(totalGrants, true) + pages(clients + 1, true) + pages(apis + 1, false);
    return row(`plan, ${grants.toLocaleString('en')} grants / ${clients.toLocaleString('en')} clients / ${apis} APIs, no changes`, stats, minimum, run, 0);
  } finally {
    await emulator.stop();
  }
}

async function applyScenario(work: string, latencyMs: number): Promise<Row> {
  const { seed, live } = tenantOf(3000, 400, 20);
  // 2,000 changes: 700 creates, 700 scope updates, 600 deletes.
  const deleted = live.slice(0, 600);
  const updated = live.slice(600, 1300).map((g) => ({ ...g, scope: g.scope?.includes('admin') ? ['read:items'] : [...(g.scope ?? []), 'admin'] }));
  const kept = live.slice(1300);
  // The seeded grants are all subject_type client, so these user grants are all new.
  const created: SeedGrant[] = Array.from({ length: 700 }, (_, i) => ({
    client_id: clientId(i % 400),
    audience: api(Math.floor(i / 400) % 20),
    scope: ['read:reports'],
    subject_type: 'user' as const,
  }));
  const desired = [...updated, ...kept, ...created];
  const changes = deleted.length + updated.length + created.length;
  const seedFile = path.join(work, `seed-apply-${latencyMs}.json`);
  writeFileSync(seedFile, JSON.stringify(seed));
  const dir = path.join(work, `apply-${latencyMs}`);
  writeGrants(dir, desired);
  const burst = 50;
  const perSecond = 100;
  const emulator = await startEmulatorProcess(seedFile, ['--rate-limit', `${burst}:${perSecond}`, ...(latencyMs ? ['--latency', String(latencyMs)] : [])]);
  try {
    await emulator.resetStats();
    const env = { AUTH0_DOMAIN: emulator.url, AUTH0_CLIENT_ID: DEPLOYER.client_id, AUTH0_CLIENT_SECRET: DEPLOYER.secret };
    const run = await runCli(['apply', '--dir', dir, '--quiet', '--format', 'json'], env);
    const stats = await emulator.stats();
    const grantPages = pages(seed.client_grants!.length, true);
    const minimum = 1 + grantPages + pages(401, true) + pages(20 + 1, false) + changes + pages(desired.length + 1, true);
    const limited = minimum - 1; // the token endpoint is not rate-limited
    const floor = Math.max(0, (limited - burst) / perSecond);
    return row(`apply ${changes.toLocaleString('en')} changes, limit ${burst} burst + ${perSecond}/s${latencyMs ? `, ${latencyMs} ms latency` : ''}`, stats, minimum, run, floor);
  } finally {
    await emulator.stop();
  }
}

function row(scenario: string, stats: EmulatorStats, minimum: number, run: Awaited<ReturnType<typeof runCli>>, floor: number): Row {
  if (run.code !== 0 && run.code !== 2) process.stderr.write(`warning: ${scenario} exited ${run.code}\n${run.stderr}\n`);
  return {
    scenario,
    requests: byMethod(stats),
    total: stats.requests,
    minimum,
    writes: stats.writes,
    wallSeconds: run.wall,
    floorSeconds: floor,
    rateLimited: stats.rateLimited,
    cpuSeconds: run.cpu,
    peakRssMb: run.rssMb,
    exitCode: run.code,
  };
}

function plannerAlone(n: number): { seconds: number; changes: number } {
  const live: LiveGrant[] = [];
  const desired: DesiredGrant[] = [];
  for (let i = 0; i < n; i++) {
    const key = { client_id: clientId(i % 5000), audience: api(Math.floor(i / 5000)), subject_type: 'client' as const };
    live.push({ id: `cgr_${String(i).padStart(16, '0')}`, ...key, scope: SCOPES.slice(0, 1 + (i % 5)) });
    desired.push({ ...key, state: normalizeState({ scope: SCOPES.slice(0, 1 + ((i + (i % 10 === 0 ? 1 : 0)) % 5)) }) });
  }
  const started = performance.now();
  const diff = diffGrants(desired, live, { manage: 'all', excludedClientIds: [] });
  const plan = buildPlan({ tenant: TENANT, diff, clientNames: new Map(), systemAudiences: new Set() });
  return { seconds: (performance.now() - started) / 1000, changes: plan.changes.length };
}

// ---- report ----

function table(rows: Row[]): string {
  const lines = [
    '| scenario | requests (by method) | total | minimum | writes | wall s | floor s | wall ÷ floor | 429s | CPU s | peak RSS MB |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const methods = Object.entries(r.requests).map(([m, n]) => `${m} ${n}`).join(', ');
    const ratio = r.floorSeconds > 0 ? (r.wallSeconds / r.floorSeconds).toFixed(2) : '–';
    lines.push(
      `| ${r.scenario} | ${methods} | ${r.total} | ${r.minimum} | ${r.writes} | ${r.wallSeconds.toFixed(2)} | ${r.floorSeconds.toFixed(2)} | ${ratio} | ${r.rateLimited} | ${r.cpuSeconds.toFixed(2)} | ${r.peakRssMb.toFixed(0)} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const work = mkdtempSync(path.join(os.tmpdir(), 'grantsync-bench-'));
  const rows: Row[] = [];
  try {
    const sizes: [number, number, number][] = quick ? [[1000, 200, 20]] : [[1000, 200, 20], [10_000, 2000, 200], [50_000, 10_000, 1000]];
    for (const [g, c, a] of sizes) {
      rows.push(await planScenario(work, g, c, a));
      process.stderr.write(`${rows.at(-1)!.scenario}: ${rows.at(-1)!.wallSeconds.toFixed(2)} s\n`);
    }
    if (!quick) {
      for (const latency of [0, 50]) {
        rows.push(await applyScenario(work, latency));
        process.stderr.write(`${rows.at(-1)!.scenario}: ${rows.at(-1)!.wallSeconds.toFixed(2)} s\n`);
      }
    }
    const planner = plannerAlone(quick ? 10_000 : 100_000);
    const header = `Node ${process.version} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${new Date().toISOString().slice(0, 10)}`;
    const report = [
      `# grantsync benchmarks`,
      '',
      header,
      '',
      table(rows),
      '',
      `Planner alone (diff + plan, in-process): ${(quick ? 10_000 : 100_000).toLocaleString('en')} desired vs ${(quick ? 10_000 : 100_000).toLocaleString('en')} live grants in ${planner.seconds.toFixed(3)} s (${planner.changes.toLocaleString('en')} changes).`,
      '',
    ].join('\n');
    process.stdout.write(`${report}\n`);
    if (!quick) {
      const docs = path.join(ROOT, 'docs');
      mkdirSync(docs, { recursive: true });
      const howto = readFileSync(path.join(docs, 'benchmarks-method.md'), 'utf8');
      writeFileSync(path.join(docs, 'benchmarks.md'), `${report}\n${howto}`);
      writeFileSync(path.join(docs, 'benchmarks.json'), `${JSON.stringify({ machine: header, rows, planner }, null, 2)}\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
