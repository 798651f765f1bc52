// Overlapping and interrupted applies: two at once, one killed with SIGKILL halfway, one stopped with
// SIGINT. The tenant always ends converged with no duplicate grant.
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import type { Seed, SeedGrant } from '../../src/emulator/seed.js';
import { runCli, startCli } from '../helpers/cli.js';
import { writeTree } from '../helpers/directory.js';
import { DEMO_DEPLOYER, withEmulator } from '../helpers/emulator.js';

const TENANT = 'overlap.example.com';
const key = (i: number) => ({ client_id: `c${String(i % 60).padStart(4, '0')}`, audience: `https://api${Math.floor(i / 60)}` });

function scenario(): { seed: Seed; files: Record<string, string>; changes: number } {
  const live: SeedGrant[] = Array.from({ length: 150 }, (_, i) => ({ ...key(i), scope: ['s1'] }));
  // 100 deletes (0–99), 50 updates (100–149), 100 creates (150–249).
  const desired = Array.from({ length: 150 }, (_, j) => j + 100).map((i) => ({ ...key(i), scope: i < 150 ? ['s1', 's2'] : ['s3'] }));
  return {
    changes: 250,
    seed: {
      tenant: TENANT,
      clients: [
        { client_id: DEMO_DEPLOYER.clientId, name: 'deployer', app_type: 'non_interactive', client_secret: DEMO_DEPLOYER.clientSecret },
        ...Array.from({ length: 60 }, (_, i) => ({ client_id: `c${String(i).padStart(4, '0')}`, name: `svc-${i}` })),
      ],
      resource_servers: Array.from({ length: 5 }, (_, i) => ({ identifier: `https://api${i}`, scopes: ['s1', 's2', 's3'] })),
      client_grants: [
        { client_id: DEMO_DEPLOYER.clientId, audience: `https://${TENANT}/api/v2/`, scope: ['read:client_grants', 'create:client_grants', 'update:client_grants', 'delete:client_grants', 'read:clients', 'read:resource_servers'] },
        ...live,
      ],
    },
    files: {
      'grantsync.yaml': 'manage: all\nmax_deletes: 1000\n',
      'all.yaml': `grants:\n${desired.map((g) => `  - client_id: ${g.client_id}\n    audience: ${g.audience}\n    scope: [${g.scope.join(', ')}]\n`).join('')}`,
    },
  };
}

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const start = (args: string[], env: Record<string, string>) => startCli(args, { env });

function assertConverged(em: Emulator): void {
  const grants = em.store.state.grants.filter((g) => g.client_id !== DEMO_DEPLOYER.clientId);
  expect(grants).toHaveLength(150);
  const keys = grants.map((g) => `${g.client_id}|${g.audience}|${g.subject_type}`);
  expect(new Set(keys).size).toBe(keys.length);
}

describe('overlapping and interrupted applies', () => {
  it('two applies started together both converge the tenant, with no duplicates', async () => {
    const s = scenario();
    const started = await withEmulator({ seed: s.seed, latencyMs: 5 });
    emulator = started.emulator;
    const dir = writeTree(s.files);
    const [a, b] = await Promise.all([
      runCli(['apply', '--dir', dir, '--quiet'], { env: started.env, timeoutMs: 60_000 }),
      runCli(['apply', '--dir', dir, '--quiet'], { env: started.env, timeoutMs: 60_000 }),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    assertConverged(emulator);
    // The second process found the first one's work: some of its creates met a 409 and adopted.
    expect(emulator.stats().byStatus['409'] ?? 0).toBeGreaterThan(0);
    expect((await runCli(['plan', '--dir', dir, '--detailed-exitcode'], { env: started.env })).code).toBe(0);
  });

  it('an apply killed with SIGKILL halfway is followed by one that converges', async () => {
    const s = scenario();
    const started = await withEmulator({ seed: s.seed, latencyMs: 20 });
    emulator = started.emulator;
    const em = emulator;
    const dir = writeTree(s.files);
    const run = start(['apply', '--dir', dir, '--quiet'], started.env);
    await em.untilWrites(60);
    run.child.kill('SIGKILL');
    const killed = await run.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(em.stats().writes).toBeLessThan(s.changes);

    const again = await runCli(['apply', '--dir', dir, '--quiet'], { env: started.env, timeoutMs: 60_000 });
    expect(again.code).toBe(0);
    assertConverged(em);
  });

  it('SIGINT finishes the requests in flight, starts no more, and says what was and was not applied', async () => {
    const s = scenario();
    const started = await withEmulator({ seed: s.seed, latencyMs: 20 });
    emulator = started.emulator;
    const em = emulator;
    const dir = writeTree(s.files);
    const run = start(['apply', '--dir', dir], started.env);
    await em.untilWrites(60);
    run.child.kill('SIGINT');
    const stopped = await run.done;
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain('Interrupted: finishing the requests in flight, starting no new ones…');
    const summary = /Applied (\d+) of 250 changes, (\d+) not started \(interrupted\)\./.exec(stopped.stdout);
    expect(summary).not.toBeNull();
    const [applied, skipped] = [Number(summary![1]), Number(summary![2])];
    expect(applied + skipped).toBe(250);
    expect(skipped).toBeGreaterThan(0);
    expect(stopped.stdout).toContain('Not converged');
    // Nothing runs after the process has gone: the writes seen are the applied ones.
    const writesAtExit = em.stats().writes;
    expect(writesAtExit).toBe(applied);
    // A request answered after the exit has been read by the server: anything the dead process had
    // sent is counted by now.
    await fetch(`${em.url}/api/v2/clients`);
    expect(em.stats().writes).toBe(writesAtExit);

    const again = await runCli(['apply', '--dir', dir, '--quiet'], { env: started.env, timeoutMs: 60_000 });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Applied ${skipped} of ${skipped} changes.`);
    assertConverged(em);
  });
});
