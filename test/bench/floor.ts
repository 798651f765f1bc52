// The network-floor scenario (issue 14): `plan` of 10,000 grants / 3,400 clients / 10 APIs against the
// emulator with 50 ms per request and Auth0's Enterprise limit (burst 50 + 16/s, refilled in lumps at the
// top of each second), with the grants in one YAML file and in 50 files; and `validate --offline` of the
// one file. Each is run several times (the machine is shared): the median is reported, with the load
// average at each run, CPU seconds and peak RSS, so the figures can be judged and re-measured.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Engine from '../../src/engine.js';
import type * as Http from '../../src/api/http.js';
import type * as Domain from '../../src/api/domain.js';
import type * as Redact from '../../src/api/redact.js';
import type * as Text from '../../src/render/text.js';
import type { Seed, SeedGrant } from '../../src/emulator/seed.js';
import { api, byMethod, clientId, DEPLOYER, pages, ROOT, runCli, SCOPES, startEmulatorProcess, TENANT } from './harness.js';

export const FLOOR = { grants: 10_000, clients: 3400, apis: 10, latencyMs: 50, burst: 50, perSecond: 16, concurrency: 16 };
const MAPI = `https://${TENANT}/api/v2/`;

export interface FloorRun {
  wall: number;
  cpu: number;
  rssMb: number;
  code: number;
  requests: number;
  byMethod: Record<string, number>;
  rateLimited: number;
  load: number;
  /** Where in the wall-clock second the run started (ms), for the plan runs. */
  phase?: number;
}

export interface FloorRow {
  scenario: string;
  runs: FloorRun[];
  median: FloorRun;
  minimum: number;
  floors: { rate: number; latency: number; cpu: number };
  floor: number;
}

/** Each client holds grants on two or three APIs: every (client, API) pair once, 1,000 grants per API. */
function floorTenant(): { seed: Seed; live: SeedGrant[] } {
  const live: SeedGrant[] = [];
  for (let i = 0; i < FLOOR.grants; i++) {
    const round = Math.floor(i / FLOOR.clients);
    const client = i % FLOOR.clients;
    live.push({ client_id: clientId(client), audience: api((client + round) % FLOOR.apis), scope: SCOPES.slice(0, 1 + (i % SCOPES.length)) });
  }
  const seed: Seed = {
    tenant: TENANT,
    clients: [
      { client_id: DEPLOYER.client_id, name: 'deployer', app_type: 'non_interactive', client_secret: DEPLOYER.secret },
      ...Array.from({ length: FLOOR.clients }, (_, i) => ({ client_id: clientId(i), name: `service-${i}`, app_type: 'non_interactive' })),
    ],
    resource_servers: Array.from({ length: FLOOR.apis }, (_, i) => ({ identifier: api(i), name: `API ${i}`, scopes: SCOPES })),
    client_grants: [{ client_id: DEPLOYER.client_id, audience: MAPI, scope: ['read:client_grants', 'read:clients', 'read:resource_servers'] }, ...live],
  };
  return { seed, live };
}

function grantYaml(g: SeedGrant): string {
  return `  - client_id: ${g.client_id}\n    audience: ${g.audience}\n    scope: [${(g.scope ?? []).join(', ')}]\n`;
}

/** The grants in `files` files of equal size (one file: 1.4 MB of YAML). */
function writeFloorGrants(dir: string, grants: SeedGrant[], files: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'grantsync.yaml'), 'manage: all\nmax_deletes: 100000\n');
  const per = Math.ceil(grants.length / files);
  for (let f = 0; f < files; f++) {
    writeFileSync(path.join(dir, `grants-${String(f).padStart(2, '0')}.yaml`), `grants:\n${grants.slice(f * per, (f + 1) * per).map(grantYaml).join('')}`);
  }
}

function median(runs: FloorRun[]): FloorRun {
  const sorted = [...runs].sort((a, b) => a.wall - b.wall);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * The floors. Rate: (rate-limited requests − burst) ÷ refill. Latency: the best schedule's longest
 * chain of round trips (the token, then the longest checkpoint listing, per API side by side, or all
 * pages through the read concurrency). CPU: start-up (the CPU of `grantsync --version`, which loads
 * every module) plus what must follow the last answer (resolve, diff, plan and render, in-process).
 */
function floorsOf(minimum: number, perApiPages: number[], clientPages: number, startupCpu: number, afterReadsCpu: number): FloorRow['floors'] {
  const limited = minimum - 1;
  const rate = Math.max(0, (limited - FLOOR.burst) / FLOOR.perSecond);
  const chain = Math.max(clientPages, ...perApiPages, Math.ceil(limited / FLOOR.concurrency));
  const latency = ((1 + chain) * FLOOR.latencyMs) / 1000;
  return { rate, latency, cpu: startupCpu + afterReadsCpu };
}

/** Resolve + diff + plan + render of the scenario, in-process against the emulator (no rate limit, no latency). */
async function afterReadsSeconds(dir: string, url: string): Promise<number> {
  // The build under benchmark (dist/), which finds its schemas next to it.
  const { loadDirectory, planFromState, readTenant } = (await import(`${ROOT}dist/engine.js`)) as typeof Engine;
  const { ManagementClient } = (await import(`${ROOT}dist/api/http.js`)) as typeof Http;
  const { parseDomain } = (await import(`${ROOT}dist/api/domain.js`)) as typeof Domain;
  const { Redactor } = (await import(`${ROOT}dist/api/redact.js`)) as typeof Redact;
  const { renderText } = (await import(`${ROOT}dist/render/text.js`)) as typeof Text;
  const state = await loadDirectory(dir);
  const client = new ManagementClient({
    endpoint: parseDomain(url),
    credentials: { clientId: DEPLOYER.client_id, clientSecret: DEPLOYER.secret },
    redactor: new Redactor(),
  });
  const tenant = await readTenant(client);
  const started = process.cpuUsage();
  const { plan } = planFromState(state, tenant, { tenantName: TENANT, ownClientId: DEPLOYER.client_id });
  renderText(plan, { color: false });
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1e6;
}

export async function floorScenario(work: string, runs: number): Promise<{ rows: FloorRow[]; validate: { runs: FloorRun[]; median: FloorRun } }> {
  const { seed, live } = floorTenant();
  const seedFile = path.join(work, 'seed-floor.json');
  writeFileSync(seedFile, JSON.stringify(seed));
  const perApi = new Map<string, number>();
  for (const g of seed.client_grants ?? []) perApi.set(g.audience, (perApi.get(g.audience) ?? 0) + 1);
  const perApiPages = [...perApi.values()].map((n) => pages(n, true));
  const clientPages = pages(FLOOR.clients + 1, true);
  const minimum = 1 + pages(live.length + 1, true) + clientPages + pages(FLOOR.apis + 1, false);
  const startup = median(await repeat(runs, async () => toRun(await runCli(['--version'], {}))));
  const rows: FloorRow[] = [];
  let oneFileDir = '';
  for (const files of [1, 50]) {
    const dir = path.join(work, `floor-${files}`);
    writeFloorGrants(dir, live, files);
    if (files === 1) oneFileDir = dir;
    const free = await startEmulatorProcess(seedFile, []);
    const afterReads = await afterReadsSeconds(dir, free.url).finally(() => free.stop());
    const emulator = await startEmulatorProcess(seedFile, ['--rate-limit', `${FLOOR.burst}:${FLOOR.perSecond}:lumps`, '--latency', String(FLOOR.latencyMs)]);
    try {
      const env = { AUTH0_DOMAIN: emulator.url, AUTH0_CLIENT_ID: DEPLOYER.client_id, AUTH0_CLIENT_SECRET: DEPLOYER.secret };
      const measured = await repeat(runs, async (i) => {
        // Let the bucket fill up again (burst 50 at 16/s) so that every run starts from the same state.
        await new Promise((resolve) => setTimeout(resolve, 3500));
        await emulator.resetStats();
        // The lumps come at each whole second, so when a plan ends depends on where in the second it
        // starts (up to a second). Run i starts i/runs of a second past a whole second: spread phases,
        // not whatever phase the cadence of the runs happens to lock onto.
        const phase = Math.round((i * 1000) / runs);
        await new Promise((resolve) => setTimeout(resolve, (phase - (Date.now() % 1000) + 1000) % 1000));
        const run = await runCli(['plan', '--dir', dir, '--quiet', '--detailed-exitcode'], env);
        const stats = await emulator.stats();
        return { ...toRun(run), requests: stats.requests, byMethod: byMethod(stats), rateLimited: stats.rateLimited, phase };
      });
      const floors = floorsOf(minimum, perApiPages, clientPages, startup.cpu, afterReads);
      rows.push({
        scenario: `plan, 10,000 grants / 3,400 clients / 10 APIs in ${files === 1 ? 'one file' : `${files} files`}, 50 ms latency, burst 50 + 16/s in lumps`,
        runs: measured,
        median: median(measured),
        minimum,
        floors,
        floor: Math.max(floors.rate, floors.latency, floors.cpu),
      });
      process.stderr.write(`${rows.at(-1)!.scenario}: ${measured.map((r) => `${r.wall.toFixed(2)} s (started ${r.phase} ms into a second, load ${r.load.toFixed(1)})`).join(', ')}\n`);
    } finally {
      await emulator.stop();
    }
  }
  const validateRuns = await repeat(runs, async () => toRun(await runCli(['validate', '--offline', '--dir', oneFileDir], {})));
  return { rows, validate: { runs: validateRuns, median: median(validateRuns) } };
}

/** `validate --offline` of the one-file scenario alone, without the emulator (`--scenario validate`): issue 14's local work. */
export async function validateScenario(work: string, runs: number): Promise<{ runs: FloorRun[]; median: FloorRun }> {
  const dir = path.join(work, 'floor-validate');
  writeFloorGrants(dir, floorTenant().live, 1);
  const measured = await repeat(runs, async () => toRun(await runCli(['validate', '--offline', '--dir', dir], {})));
  return { runs: measured, median: median(measured) };
}

function toRun(run: Awaited<ReturnType<typeof runCli>>): FloorRun {
  if (run.code !== 0 && run.code !== 2) process.stderr.write(`warning: exited ${run.code}\n${run.stderr}\n`);
  return { wall: run.wall, cpu: run.cpu, rssMb: run.rssMb, code: run.code, requests: 0, byMethod: {}, rateLimited: 0, load: os.loadavg()[0]! };
}

async function repeat(n: number, once: (i: number) => Promise<FloorRun>): Promise<FloorRun[]> {
  const out: FloorRun[] = [];
  for (let i = 0; i < n; i++) out.push(await once(i));
  return out;
}

export function floorTable(rows: FloorRow[], validate: { runs: FloorRun[]; median: FloorRun }): string {
  const lines = [
    '| scenario | requests (by method) | total | minimum | 429s | wall s: median (each run @ ms into a second it started) | rate floor s | latency floor s | CPU floor s | wall ÷ floor | CPU s | peak RSS MB | load (1 min) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const m = r.median;
    const methods = Object.entries(m.byMethod).map(([k, n]) => `${k} ${n}`).join(', ');
    lines.push(
      `| ${r.scenario} | ${methods} | ${m.requests} | ${r.minimum} | ${m.rateLimited} | ${m.wall.toFixed(2)} (${r.runs.map((x) => `${x.wall.toFixed(2)} @${x.phase ?? 0}`).join(', ')}) | ${r.floors.rate.toFixed(2)} | ${r.floors.latency.toFixed(2)} | ${r.floors.cpu.toFixed(2)} | ${(m.wall / r.floor).toFixed(2)} | ${m.cpu.toFixed(2)} | ${m.rssMb.toFixed(0)} | ${r.runs.map((x) => x.load.toFixed(1)).join(', ')} |`,
    );
  }
  lines.push('', validateLine(validate));
  return lines.join('\n');
}

export function validateLine(validate: { runs: FloorRun[]; median: FloorRun }): string {
  const v = validate.median;
  return `\`validate --offline\` of the one file (10,000 grants, 1.4 MB): wall ${v.wall.toFixed(2)} s (${validate.runs.map((x) => x.wall.toFixed(2)).join(', ')}), CPU ${v.cpu.toFixed(2)} s, peak RSS ${v.rssMb.toFixed(0)} MB, load ${validate.runs.map((x) => x.load.toFixed(1)).join(', ')}.`;
}
