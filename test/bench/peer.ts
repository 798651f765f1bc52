// `npm run bench:peer`: grantsync and auth0-deploy-cli side by side on the same seeded tenants.
// deploy-cli is installed on demand into a temporary folder (never a dependency of this project) and,
// since it only speaks https, the emulator serves TLS with a throw-away self-signed certificate.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SeedGrant } from '../../src/emulator/seed.js';
import { api, byMethod, clientId, DEPLOYER, ROOT, runCli, startEmulatorProcess, tenantOf, writeGrants } from './harness.js';

const DEPLOY_CLI_VERSION = '8.44.0';

interface PeerRow {
  tool: string;
  scenario: string;
  requests: Record<string, number>;
  total: number;
  writes: number;
  wallSeconds: number;
  exitCode: number;
}

function installDeployCli(): string {
  const dir = path.join(os.tmpdir(), `grantsync-peer-deploy-cli-${DEPLOY_CLI_VERSION}`);
  const bin = path.join(dir, 'node_modules', 'auth0-deploy-cli', 'lib', 'index.js');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), '{"name":"peer","private":true}\n');
    process.stderr.write(`installing auth0-deploy-cli@${DEPLOY_CLI_VERSION} into ${dir}…\n`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `auth0-deploy-cli@${DEPLOY_CLI_VERSION}`], { cwd: dir, stdio: 'inherit' });
  }
  return bin;
}

function certificate(work: string): { cert: string; key: string } {
  const cert = path.join(work, 'cert.pem');
  const key = path.join(work, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { cert, key };
}

function deployCliYaml(grants: SeedGrant[]): string {
  // deploy-cli names clients by name in client_id; the seeded names are service-<n>.
  const lines = ['clientGrants:'];
  for (const g of grants) {
    const n = Number(g.client_id!.slice('client'.length, 'client'.length + 6));
    lines.push(`  - client_id: service-${n}`, `    audience: ${g.audience}`, `    scope: [${(g.scope ?? []).join(', ')}]`, `    subject_type: ${g.subject_type ?? 'client'}`);
  }
  return `${lines.join('\n')}\n`;
}

async function runDeployCli(bin: string, input: string, config: string, env: Record<string, string>): Promise<{ code: number; wall: number; stderr: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'import', '--input_file', input, '--config_file', config], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  return { code, wall: (performance.now() - started) / 1000, stderr };
}

async function main(): Promise<void> {
  const bin = installDeployCli();
  const work = mkdtempSync(path.join(os.tmpdir(), 'grantsync-peer-'));
  const tls = certificate(work);
  const rows: PeerRow[] = [];
  try {
    const { seed, live } = tenantOf(1000, 200, 5);
    const seedFile = path.join(work, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(seed));
    // 50 changes: 20 scope updates, 15 deletes, 15 creates (user grants, new identities).
    const changed = [
      ...live.slice(0, 20).map((g) => ({ ...g, scope: g.scope?.includes('admin') ? ['read:items'] : [...(g.scope ?? []), 'admin'] })),
      ...live.slice(35),
      ...Array.from({ length: 15 }, (_, i) => ({ client_id: clientId(i), audience: api(i % 5), scope: ['read:reports'], subject_type: 'user' as const })),
    ];
    const scenarios: [string, SeedGrant[]][] = [
      ['1,000 grants, unchanged', live],
      ['1,000 grants, 50 changes', changed],
    ];
    for (const [scenario, desired] of scenarios) {
      for (const tool of ['grantsync', 'auth0-deploy-cli']) {
        const emulator = await startEmulatorProcess(seedFile, ['--tls-cert', tls.cert, '--tls-key', tls.key], {}, readFileSync(tls.cert, 'utf8'));
        const host = new URL(emulator.url).host;
        const env = { AUTH0_DOMAIN: host, AUTH0_CLIENT_ID: DEPLOYER.client_id, AUTH0_CLIENT_SECRET: DEPLOYER.secret, NODE_EXTRA_CA_CERTS: tls.cert };
        try {
          await emulator.resetStats();
          let result: { code: number; wall: number; stderr: string };
          if (tool === 'grantsync') {
            const dir = path.join(work, `grants-${rows.length}`);
            writeGrants(dir, desired);
            result = await runCli(['apply', '--dir', dir, '--quiet', '--max-deletes', '100'], env);
          } else {
            const input = path.join(work, `tenant-${rows.length}.yaml`);
            writeFileSync(input, deployCliYaml(desired));
            const config = path.join(work, `config-${rows.length}.json`);
            writeFileSync(
              config,
              JSON.stringify({
                AUTH0_DOMAIN: host,
                AUTH0_CLIENT_ID: DEPLOYER.client_id,
                AUTH0_CLIENT_SECRET: DEPLOYER.secret,
                AUTH0_ALLOW_DELETE: true,
                AUTH0_INCLUDED_ONLY: ['clientGrants'],
                AUTH0_KEYWORD_REPLACE_MAPPINGS: {},
              }),
            );
            result = await runDeployCli(bin, input, config, { NODE_EXTRA_CA_CERTS: tls.cert, AUTH0_KEYWORD_REPLACE_MAPPINGS: '{}' });
          }
          const stats = await emulator.stats();
          if (result.code !== 0) process.stderr.write(`warning: ${tool} exited ${result.code}: ${result.stderr.slice(-500)}\n`);
          rows.push({ tool, scenario, requests: byMethod(stats), total: stats.requests, writes: stats.writes, wallSeconds: result.wall, exitCode: result.code });
          process.stderr.write(`${tool}, ${scenario}: ${stats.requests} requests, ${stats.writes} writes, ${result.wall.toFixed(1)} s\n`);
        } finally {
          await emulator.stop();
        }
      }
    }
    const lines = [
      '# grantsync vs auth0-deploy-cli',
      '',
      `auth0-deploy-cli ${DEPLOY_CLI_VERSION} and grantsync against the same seeded tenant (1,000 grants, 200 clients, 5 APIs), emulator over HTTPS, no rate limit. Node ${process.version}, ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}. Reproduce with \`npm run bench:peer\`.`,
      '',
      '| scenario | tool | requests (by method) | total | writes | wall s | exit |',
      '|---|---|---|---:|---:|---:|---:|',
      ...rows.map((r) => `| ${r.scenario} | ${r.tool} | ${Object.entries(r.requests).map(([m, n]) => `${m} ${n}`).join(', ')} | ${r.total} | ${r.writes} | ${r.wallSeconds.toFixed(1)} | ${r.exitCode} |`),
      '',
      ...scenarios.map(([scenario]) => {
        const ours = rows.find((r) => r.scenario === scenario && r.tool === 'grantsync')!;
        const theirs = rows.find((r) => r.scenario === scenario && r.tool !== 'grantsync')!;
        return `- ${scenario}: auth0-deploy-cli made ${(theirs.total / ours.total).toFixed(1)}× the requests, ${ours.writes ? `${(theirs.writes / ours.writes).toFixed(1)}× the writes (${theirs.writes} vs ${ours.writes})` : `${theirs.writes} writes where grantsync made none`} and took ${(theirs.wallSeconds / ours.wallSeconds).toFixed(1)}× the wall time.`;
      }),
      '',
    ];
    const report = lines.join('\n');
    process.stdout.write(`${report}\n`);
    writeFileSync(path.join(ROOT, 'docs', 'benchmarks-peer.md'), report);
    writeFileSync(path.join(ROOT, 'docs', 'benchmarks-peer.json'), `${JSON.stringify(rows, null, 2)}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
