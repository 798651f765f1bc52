// Issue 19: the emulator for a newcomer. `grantsync emulator` prints ready-to-paste export lines
// (the demo secret included: it exists only in the local emulator); with --seed the seeded deployer
// and where its secret is; with --seed and --state which one it serves. The README tutorial's files
// plan and apply unchanged against it, and every link of the README reaches a published file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, type StartedCli } from '../helpers/cli.js';
import { writeTree } from '../helpers/directory.js';
import { DEMO_DEPLOYER } from '../helpers/emulator.js';

let children: StartedCli[] = [];
afterEach(() => {
  for (const started of children) started.child.kill('SIGKILL');
  children = [];
});

/** Starts `grantsync emulator` and returns its stdout and stderr once the export lines are out. */
async function emulator(args: string[]): Promise<{ stdout: string; stderr: string; exports: Record<string, string> }> {
  const started = startCli(['emulator', '--port', '0', ...args]);
  children.push(started);
  const { stdout, stderr } = await started.waitFor(/GRANTSYNC_EMULATOR_ADMIN_TOKEN=/);
  const exports = Object.fromEntries([...stdout.matchAll(/^export (\w+)=(\S+)/gm)].map((m) => [m[1]!, m[2]!]));
  return { stdout, stderr, exports };
}

describe('grantsync emulator', () => {
  it('prints export lines to paste, the demo secret included, that plan and apply the README tutorial unchanged', { timeout: 60_000 }, async () => {
    const { exports } = await emulator([]);
    expect(exports.AUTH0_CLIENT_ID).toBe(DEMO_DEPLOYER.clientId);
    expect(exports.AUTH0_CLIENT_SECRET).toBe(DEMO_DEPLOYER.clientSecret);
    expect(exports.AUTH0_DOMAIN).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    // The tutorial's two files, exactly as the README shows them.
    const readme = readFileSync('README.md', 'utf8');
    const tutorial = readme.slice(readme.indexOf('## Five-minute tutorial'), readme.indexOf('## Adopt an existing tenant'));
    const blocks = [...tutorial.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!.replace(/^ {3}/gm, ''));
    expect(blocks).toHaveLength(2);
    const dir = path.join(writeTree({ 'grants/payments.yaml': blocks[0]!, 'grants/grantsync.yaml': blocks[1]! }), 'grants');
    const env = { AUTH0_DOMAIN: exports.AUTH0_DOMAIN!, AUTH0_CLIENT_ID: exports.AUTH0_CLIENT_ID!, AUTH0_CLIENT_SECRET: exports.AUTH0_CLIENT_SECRET! };
    // runCli refuses any output holding the demo secret; the pasted environment only passes it in.
    const plan = await runCli(['plan', '--dir', dir, '--quiet', '--detailed-exitcode'], { env });
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(2);
    expect((await runCli(['apply', '--dir', dir, '--quiet'], { env })).code).toBe(0);
    expect((await runCli(['plan', '--dir', dir, '--quiet', '--detailed-exitcode'], { env })).code).toBe(0);
  });

  it('with --seed: the seeded deployer and where its secret is, never the secret itself', async () => {
    const seedFile = path.join(writeTree({}), 'tenant.json');
    const secret = 'my-own-seeded-secret-0123456789';
    writeFileSync(seedFile, JSON.stringify({
      tenant: 'mine.example.com',
      clients: [{ client_id: 'myDeployer0000000000000000000001', name: 'my-deployer', client_secret: secret }, { client_id: 'other', name: 'other' }],
      client_grants: [{ client: 'my-deployer', audience: 'https://mine.example.com/api/v2/', scope: ['read:client_grants'] }],
    }));
    const { stdout } = await emulator(['--seed', seedFile]);
    expect(stdout).toContain(`export AUTH0_CLIENT_ID=myDeployer0000000000000000000001   # my-deployer, seeded from ${seedFile}\n`);
    expect(stdout).toContain(`# Its secret (export it as AUTH0_CLIENT_SECRET) is the client_secret of myDeployer0000000000000000000001 in ${seedFile}.\n`);
    expect(stdout).not.toContain(secret);
  });

  it('with --seed and --state: says which tenant it serves', { timeout: 60_000 }, async () => {
    const work = writeTree({});
    const state = path.join(work, 'state.json');
    const fresh = await emulator(['--state', state]);
    expect(fresh.stderr).toContain(`Serving the demo tenant; changes are saved to --state ${state}, which later starts load instead of the seed.`);
    // A change, so that the tenant is saved.
    const env = { AUTH0_DOMAIN: fresh.exports.AUTH0_DOMAIN!, AUTH0_CLIENT_ID: fresh.exports.AUTH0_CLIENT_ID!, AUTH0_CLIENT_SECRET: fresh.exports.AUTH0_CLIENT_SECRET! };
    expect((await runCli(['apply', '--dir', 'grants', '--quiet'], { env })).code).toBe(0);
    // It saved the tenant after each write of the apply; stopped, it has nothing left to write.
    const stopped = children.pop()!;
    stopped.child.kill('SIGINT');
    await stopped.done;
    expect(existsSync(state)).toBe(true);
    const seedFile = path.join(work, 'seed.json');
    writeFileSync(seedFile, JSON.stringify({ tenant: 'other.example.com' }));
    const restarted = await emulator(['--seed', seedFile, '--state', state]);
    expect(restarted.stderr).toContain(`Serving the tenant saved in --state ${state}; --seed ${seedFile} is not used`);
  });
});

describe('the published package', () => {
  it('holds every file the README links to (docs/ and schema/ are published)', () => {
    const files = (JSON.parse(readFileSync('package.json', 'utf8')) as { files: string[] }).files;
    const readme = readFileSync('README.md', 'utf8');
    const links = [...readme.matchAll(/\]\(([^)#]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l));
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) {
      expect(existsSync(link), link).toBe(true);
      expect(files.some((f) => !f.startsWith('!') && (link === f || link.startsWith(`${f}/`))), `${link} is not in package.json files`).toBe(true);
    }
  });
});
