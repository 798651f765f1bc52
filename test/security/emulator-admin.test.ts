// The emulator's admin endpoints (`/__emulator/…`) hand out client secrets and switch faults on; anyone on
// the machine can reach a loopback port. They answer only to the admin token generated at start-up.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import { CLI, runCli } from '../helpers/cli.js';
import { adminRequest, DEMO_DEPLOYER, withEmulator } from '../helpers/emulator.js';

const ENDPOINTS = [
  ['GET', 'stats'],
  ['GET', 'state'],
  ['POST', 'faults'],
  ['POST', 'reset-stats'],
] as const;

let emulator: Emulator;
let env: Record<string, string>;

beforeAll(async () => {
  ({ emulator, env } = await withEmulator({ randomSeed: 31 }));
});
afterAll(() => emulator.close());

/** A plan against the emulator: the tenant still serves (exit 2: the demo tenant differs from grants/). */
async function planStillWorks(): Promise<void> {
  const plan = await runCli(['plan', '--dir', 'grants', '--detailed-exitcode', '--quiet'], { env });
  expect(plan.code).toBe(2);
}

describe('emulator admin endpoints', () => {
  it('refuse requests without the admin token, with a wrong one, or with another scheme (401), and change nothing', async () => {
    await planStillWorks();
    const before = emulator.stats();
    const wrong = [null, '', 'x', `${emulator.adminToken.slice(0, -1)}${emulator.adminToken.endsWith('A') ? 'B' : 'A'}`, `${emulator.adminToken}x`];
    for (const [method, path] of ENDPOINTS) {
      for (const token of wrong) {
        const answer = await adminRequest(emulator, method, path, { token, body: method === 'POST' ? JSON.stringify({ resetRate: 1, serverErrorRate: 1 }) : undefined });
        expect(answer.status, `${method} ${path} with ${String(token)}`).toBe(401);
        expect(JSON.stringify(answer.body)).not.toContain(DEMO_DEPLOYER.clientSecret);
      }
      const basic = await fetch(`${emulator.url}/__emulator/${path}`, { method, headers: { authorization: `Basic ${Buffer.from(`admin:${emulator.adminToken}`).toString('base64')}` } });
      expect(basic.status).toBe(401);
    }
    // No fault was switched on and the counters were not reset.
    expect(emulator.stats()).toEqual(before);
    await planStillWorks();
  });

  it('answer to the admin token', async () => {
    const state = await adminRequest(emulator, 'GET', 'state');
    expect(state.status).toBe(200);
    expect(JSON.stringify(state.body)).toContain(DEMO_DEPLOYER.clientSecret);
    expect((await adminRequest(emulator, 'GET', 'stats')).status).toBe(200);
    expect((await adminRequest(emulator, 'POST', 'reset-stats')).status).toBe(204);
    expect(emulator.stats().requests).toBe(0);
    expect((await adminRequest(emulator, 'GET', 'nothing-here')).status).toBe(404);
  });

  it('refuse nonsense fault options (400) and keep serving', async () => {
    const nonsense = ['{', 'null', '"1"', '[]', '42', '{"serverErrorRate":"1"}', '{"resetRate":2}', '{"lostReplyRate":-0.5}', '{"tokenMaxUses":-1}', '{"tokenMaxUses":1.5}', '{"seed":"x"}', '{"resetrate":1}'];
    for (const body of nonsense) {
      const answer = await adminRequest(emulator, 'POST', 'faults', { body });
      expect(answer.status, body).toBe(400);
    }
    await planStillWorks();
    const valid = await adminRequest(emulator, 'POST', 'faults', { body: JSON.stringify({ seed: 3, serverErrorRate: 0 }) });
    expect(valid).toEqual({ status: 200, body: { seed: 3, serverErrorRate: 0 } });
    await planStillWorks();
  });

  it('use a new random token at every start, which `grantsync emulator` prints', async () => {
    const other = await withEmulator({ randomSeed: 31 });
    try {
      expect(other.emulator.adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(other.emulator.adminToken).not.toBe(emulator.adminToken);
      expect((await adminRequest(other.emulator, 'GET', 'stats', { token: emulator.adminToken })).status).toBe(401);
    } finally {
      await other.emulator.close();
    }

    const child = spawn(process.execPath, [CLI, 'emulator', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const printed = await new Promise<{ url: string; adminToken: string }>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const url = /export AUTH0_DOMAIN=(\S+)/.exec(out);
          const token = /export GRANTSYNC_EMULATOR_ADMIN_TOKEN=(\S+)/.exec(out);
          if (url && token) resolve({ url: url[1]!, adminToken: token[1]! });
        });
        child.on('exit', () => reject(new Error(out)));
      });
      expect((await adminRequest(printed, 'GET', 'stats', { token: null })).status).toBe(401);
      expect((await adminRequest(printed, 'GET', 'stats')).status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
