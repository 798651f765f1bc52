// Issue 19: apply stops when continuing cannot help. The API killed in the middle of a 250-change
// apply: grantsync stops starting changes within seconds, lets the ones in flight finish, does not
// re-read, and prints one summary (applied, failed, not started, and that a re-run converges).
// Read-only credentials: refused, naming the missing scopes, before any write. A 403 stops the rest.
import { afterEach, describe, expect, it } from 'vitest';
import { applyChanges } from '../../src/apply/apply.js';
import { Breaker, CONNECTION_FAILURE_THRESHOLD } from '../../src/apply/breaker.js';
import type { ManagementApi } from '../../src/api/port.js';
import { createProgress } from '../../src/cli/progress.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { Seed } from '../../src/emulator/seed.js';
import { ApiError } from '../../src/errors.js';
import type { Change } from '../../src/model/types.js';
import { runCli, startCli } from '../helpers/cli.js';
import { writeTree } from '../helpers/directory.js';
import { DEMO_DEPLOYER, withEmulator, writeRequests } from '../helpers/emulator.js';
import { asPlanApp, PIPELINE_SEED, pipelineGrants } from '../helpers/pipeline-apps.js';

const TENANT = 'outage.example.com';
const CHANGES = 250;

function tenantOf250Creates(): { seed: Seed; files: Record<string, string> } {
  const clients = Array.from({ length: 50 }, (_, i) => ({ client_id: `c${String(i).padStart(4, '0')}`, name: `svc-${i}` }));
  const grants = Array.from({ length: CHANGES }, (_, i) => `  - client_id: c${String(i % 50).padStart(4, '0')}\n    audience: https://api${Math.floor(i / 50)}\n    scope: [s1]\n`);
  return {
    seed: {
      tenant: TENANT,
      clients: [{ client_id: DEMO_DEPLOYER.clientId, name: 'deployer', app_type: 'non_interactive', client_secret: DEMO_DEPLOYER.clientSecret }, ...clients],
      resource_servers: Array.from({ length: 5 }, (_, i) => ({ identifier: `https://api${i}`, scopes: ['s1'] })),
      client_grants: [
        { client_id: DEMO_DEPLOYER.clientId, audience: `https://${TENANT}/api/v2/`, scope: ['read:client_grants', 'create:client_grants', 'update:client_grants', 'delete:client_grants', 'read:clients', 'read:resource_servers'] },
      ],
    },
    files: { 'grantsync.yaml': 'manage: all\n', 'all.yaml': `grants:\n${grants.join('')}` },
  };
}

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('the Management API goes away in the middle of an apply', () => {
  it('stops starting changes within seconds, finishes what is in flight, and prints one summary', { timeout: 90_000 }, async () => {
    const { seed, files } = tenantOf250Creates();
    const started = await withEmulator({ seed, latencyMs: 30 });
    const em = started.emulator;
    const dir = writeTree(files);
    // The default retry policy: what a user gets.
    const apply = startCli(['apply', '--dir', dir], { env: started.env });

    await em.untilWrites(40);
    await em.close();
    const killedAt = Date.now();
    const { code, stdout, stderr } = await apply.done;
    const seconds = (Date.now() - killedAt) / 1000;

    expect(code).toBe(1);
    expect(seconds).toBeLessThan(10);
    const summary = /Applied (\d+) of 250 changes(?:, (\d+) failed)?, (\d+) not started \(stopped: 5 requests in a row could not reach the Management API \(ECONNREFUSED\)\)\./.exec(stdout);
    expect(summary, stdout).not.toBeNull();
    const [applied, failed, skipped] = [Number(summary![1]), Number(summary![2] ?? 0), Number(summary![3])];
    expect(applied + failed + skipped).toBe(CHANGES);
    expect(applied).toBeGreaterThanOrEqual(40);
    // Only the changes in flight failed (concurrency 8): not one failure per remaining change.
    expect(failed).toBeLessThanOrEqual(16);
    expect(stdout.match(/✗/g) ?? []).toHaveLength(failed);
    // Not started: one line per 50, never one per change.
    expect(stdout.match(/ {2}· not started: /g) ?? []).toHaveLength(Math.ceil(skipped / 50));
    expect(stdout).toContain('Not verified: the tenant was not re-read. Nothing already applied is lost; a re-run converges once the Management API is reachable.');
    expect(stderr).toContain('error: apply stopped: 5 requests in a row could not reach the Management API (ECONNREFUSED).');
    expect(stderr).toContain('run apply again once the Management API is reachable and accepts these credentials; it converges.');
    // The applied changes are in the tenant: no write was counted as applied that was not made.
    expect(em.store.state.grants.length - 1).toBeGreaterThanOrEqual(applied);
  });
});

describe('credentials that cannot write', () => {
  it('read-only credentials: apply refuses before the first write, naming the scopes the plan needs', { timeout: 60_000 }, async () => {
    const { emulator: em, env } = await withEmulator({ seed: PIPELINE_SEED });
    emulator = em;
    const { dir } = pipelineGrants('grantsync-readonly-');
    const apply = await runCli(['apply', '--dir', dir, '--quiet'], { env: asPlanApp(env) });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(
      'error: apply refused: the Management API token of client gsPlanApp0000000000000000000000P lacks create:client_grants, delete:client_grants, update:client_grants, which this plan needs (it has no write scope); nothing was changed.',
    );
    expect(writeRequests(em)).toBe(0);
  });

  it('a write refused with 403 stops the apply: no new change starts after it', async () => {
    const changes: Change[] = Array.from({ length: 40 }, (_, i) => ({
      action: 'create', client_id: `c${i}`, audience: 'https://a', subject_type: 'client', before: null, after: { scope: ['x'] }, flags: [],
    }));
    let creates = 0;
    const forbidden = (): never => {
      throw new ApiError({ message: 'POST /api/v2/client-grants → 403 Insufficient scope', method: 'POST', path: '/api/v2/client-grants', status: 403, errorCode: 'insufficient_scope' });
    };
    const api = {
      createGrant: async () => {
        creates++;
        // Refused a turn later, while the other changes of the pool are already in flight.
        await Promise.resolve();
        return forbidden();
      },
    } as unknown as ManagementApi;
    const breaker = new Breaker();
    const outcomes = await applyChanges(changes, api, { live: [], concurrency: 4, breaker });
    expect(creates).toBeLessThanOrEqual(4);
    expect(outcomes.filter((o) => o.kind === 'failed').length).toBe(creates);
    expect(outcomes.filter((o) => o.kind === 'skipped')).toHaveLength(40 - creates);
    expect(breaker.reason).toBe('the Management API refused a write with 403 (insufficient_scope), and a renewed token did not help');
  });
});

describe('the breaker and the progress line', () => {
  it(`opens after ${CONNECTION_FAILURE_THRESHOLD} requests in a row that find no server; an answer in between, or a reset connection, does not count`, () => {
    const breaker = new Breaker();
    for (let i = 0; i < CONNECTION_FAILURE_THRESHOLD - 1; i++) breaker.request('ECONNREFUSED');
    breaker.request(200);
    for (let i = 0; i < CONNECTION_FAILURE_THRESHOLD - 1; i++) breaker.request('ECONNREFUSED');
    for (let i = 0; i < 20; i++) breaker.request('ECONNRESET');
    expect(breaker.open).toBe(false);
    breaker.request('ETIMEDOUT');
    expect(breaker.reason).toBe('5 requests in a row could not reach the Management API (ETIMEDOUT)');
  });

  it('counts changes applied, not attempted', () => {
    let text = '';
    const io = { err: (t: string) => (text += t), stderrIsTTY: false } as unknown as Parameters<typeof createProgress>[0];
    let now = 0;
    const progress = createProgress(io, { quiet: false, verbose: false, now: () => now, intervalMs: 1 });
    now = 10;
    progress.change(3, 422, 5);
    expect(text).toContain('3/422 changes applied, 5 failed');
  });
});
