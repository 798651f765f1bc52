// `npm run bench`: request counts and wall time against the rate-limit floor (issue 5).
// The emulator runs in its own process (`grantsync emulator`), the CLI as a child process, the planner in-process.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { diffGrants } from '../../src/diff/diff.js';
import { normalizeState } from '../../src/model/grant.js';
import type { EmulatorStats } from '../../src/emulator/server.js';
import type { SeedGrant } from '../../src/emulator/seed.js';
import type { DesiredGrant, LiveGrant } from '../../src/model/types.js';
import { buildPlan } from '../../src/plan/plan.js';
import { floorScenario, floorTable, validateLine, validateScenario } from './floor.js';
import { api, byMethod, type Row, clientId, DEPLOYER, pages, ROOT, runCli, SCOPES, startEmulatorProcess, tenantOf, TENANT, writeGrants } from './harness.js';

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
    // The verifying re-read: all grants again, or each API's grants, whichever takes fewer pages.
    const perApi = new Map<string, number>();
    for (const g of desired) perApi.set(g.audience, (perApi.get(g.audience) ?? 0) + 1);
    const verifyPages = Math.min(pages(desired.length + 1, true), [...perApi.values()].reduce((sum, n) => sum + pages(n, true), 0));
    const minimum = 1 + grantPages + pages(401, true) + pages(20 + 1, false) + changes + verifyPages;
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
  // `--apply`: only the two apply scenarios, printed and not written (for iterating on apply speed).
  const applyOnly = process.argv.includes('--apply');
  const work = mkdtempSync(path.join(os.tmpdir(), 'grantsync-bench-'));
  const rows: Row[] = [];
  // `--scenario floor`: only the network-floor scenario (issue 14), printed and not written; `--runs N` (default 3).
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 3) : 3;
  const scenario = process.argv.includes('--scenario') ? process.argv[process.argv.indexOf('--scenario') + 1] : undefined;
  const floorOnly = scenario === 'floor';
  try {
    // `--scenario validate`: only `validate --offline` of the floor scenario's one file (no emulator; seconds).
    if (scenario === 'validate') {
      process.stdout.write(`${machine()}\n\n${validateLine(await validateScenario(work, runs))}\n`);
      return;
    }
    if (floorOnly) {
      const floor = await floorScenario(work, runs);
      process.stdout.write(`${machine()}\n\n${floorTable(floor.rows, floor.validate)}\n`);
      return;
    }
    const sizes: [number, number, number][] = applyOnly ? [] : quick ? [[1000, 200, 20]] : [[1000, 200, 20], [10_000, 2000, 200], [50_000, 10_000, 1000]];
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
    const floor = quick || applyOnly ? undefined : await floorScenario(work, runs);
    const planner = plannerAlone(quick ? 10_000 : 100_000);
    const header = machine();
    const report = [
      `# grantsync benchmarks`,
      '',
      header,
      '',
      table(rows),
      '',
      `Planner alone (diff + plan, in-process): ${(quick ? 10_000 : 100_000).toLocaleString('en')} desired vs ${(quick ? 10_000 : 100_000).toLocaleString('en')} live grants in ${planner.seconds.toFixed(3)} s (${planner.changes.toLocaleString('en')} changes).`,
      '',
      ...(floor ? ['## At the network floor (issue 14)', '', `Median of ${runs} runs; the load average (1 min) is the machine's at each run.`, '', floorTable(floor.rows, floor.validate), ''] : []),
    ].join('\n');
    process.stdout.write(`${report}\n`);
    if (!quick && !applyOnly) {
      const docs = path.join(ROOT, 'docs');
      mkdirSync(docs, { recursive: true });
      const howto = readFileSync(path.join(docs, 'benchmarks-method.md'), 'utf8');
      writeFileSync(path.join(docs, 'benchmarks.md'), `${report}\n${howto}`);
      writeFileSync(path.join(docs, 'benchmarks.json'), `${JSON.stringify({ machine: header, rows, planner, floor }, null, 2)}\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function machine(): string {
  return `Node ${process.version} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${new Date().toISOString().slice(0, 10)}`;
}

await main();
