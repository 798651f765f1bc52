// `grantsync emulator --state` keeps the tenant, client secrets included, in a file: only its owner may read it.
import { chmodSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/server.js';
import { DEMO_DEPLOYER, DEMO_SEED } from '../helpers/emulator.js';

const MAPI = `https://${DEMO_SEED.tenant}/api/v2/`;
const mode = (file: string): number => statSync(file).mode & 0o777;

/** One write through the API, so that the emulator saves its state. */
async function writeOnce(url: string): Promise<void> {
  const token = (await (await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: DEMO_DEPLOYER.clientId, client_secret: DEMO_DEPLOYER.clientSecret, audience: MAPI }),
  })).json()) as { access_token: string };
  const grants = (await (await fetch(`${url}/api/v2/client-grants?take=100`, { headers: { authorization: `Bearer ${token.access_token}` } })).json()) as { client_grants: { id: string; audience: string }[] };
  const victim = grants.client_grants.find((g) => g.audience !== MAPI)!;
  const deleted = await fetch(`${url}/api/v2/client-grants/${victim.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token.access_token}` } });
  expect(deleted.status).toBe(204);
}

describe('emulator state file', () => {
  it('is written with mode 0600, even under a permissive umask, and leaves no temporary file behind', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grantsync-state-'));
    const statePath = path.join(dir, 'tenant.json');
    const umask = process.umask(0o000);
    try {
      const emulator = await startEmulator({ seed: DEMO_SEED, statePath, randomSeed: 41 });
      try {
        await writeOnce(emulator.url);
      } finally {
        await emulator.close();
      }
    } finally {
      process.umask(umask);
    }
    expect(mode(statePath)).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['tenant.json']);
  });

  it('narrows an existing world-readable state file to 0600 at start-up, and keeps it so after writes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grantsync-state-'));
    const statePath = path.join(dir, 'tenant.json');
    const first = await startEmulator({ seed: DEMO_SEED, statePath, randomSeed: 42 });
    await writeOnce(first.url);
    await first.close();
    chmodSync(statePath, 0o644); // as an older version left it

    const second = await startEmulator({ seed: DEMO_SEED, statePath, randomSeed: 43 });
    try {
      expect(mode(statePath)).toBe(0o600);
      await writeOnce(second.url);
      expect(mode(statePath)).toBe(0o600);
    } finally {
      await second.close();
    }
  });

  it('a state file that is not JSON is refused at start-up, naming the file', async () => {
    const statePath = path.join(mkdtempSync(path.join(tmpdir(), 'grantsync-state-')), 'tenant.json');
    writeFileSync(statePath, 'not json');
    await expect(startEmulator({ seed: DEMO_SEED, statePath })).rejects.toThrow(`state file ${statePath} is not a state file written by the emulator`);
  });
});
