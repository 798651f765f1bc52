// export → plan on a tenant full of hostile names: the plan must be empty. Before the fix a
// client named `worker:` broke the next plan, and one named `${HOME}` was read as a variable.
// Also: export does not read or overwrite files through symbolic links that leave the repository.
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Seed } from '../../src/emulator/seed.js';
import { runCli } from '../helpers/cli.js';
import { DEMO_DEPLOYER, DEMO_SEED, emulatorsClosedAfterEach, writeRequests } from '../helpers/emulator.js';
import { HOSTILE_NAMES } from '../helpers/hostile.js';

const withEmulator = emulatorsClosedAfterEach();

const API = 'https://api.example.com/hostile';
const id = (i: number): string => `hostile${String(i).padStart(25, '0')}`;

function hostileTenant(): Seed {
  return {
    tenant: 'hostile.example.com',
    clients: [
      { client_id: DEMO_DEPLOYER.clientId, name: 'deployer', app_type: 'non_interactive', client_secret: DEMO_DEPLOYER.clientSecret },
      ...HOSTILE_NAMES.map((name, i) => ({ client_id: id(i), name, app_type: 'non_interactive' })),
      // Two clients share a name with a line break: they are exported by client_id, the name in a comment.
      { client_id: 'twinA00000000000000000000000000A', name: 'twin\nmanage: { audiences: [x] }', app_type: 'non_interactive' },
      { client_id: 'twinB00000000000000000000000000B', name: 'twin\nmanage: { audiences: [x] }', app_type: 'non_interactive' },
    ],
    resource_servers: [{ identifier: API, name: 'Hostile API\n# ${HOME}', scopes: HOSTILE_NAMES }],
    client_grants: [
      { client_id: DEMO_DEPLOYER.clientId, audience: 'https://hostile.example.com/api/v2/', scope: ['read:client_grants', 'read:clients', 'read:resource_servers'] },
      ...HOSTILE_NAMES.map((name, i) => ({ client_id: id(i), audience: API, scope: [name, HOSTILE_NAMES[(i + 1) % HOSTILE_NAMES.length]!] })),
      { client_id: 'twinA00000000000000000000000000A', audience: API, scope: ['${HOME}'] },
      { client_id: 'twinB00000000000000000000000000B', audience: API, scope: [] },
    ],
  };
}

describe('export → plan round trip', { timeout: 60_000 }, () => {
  it('a tenant of hostile client names, scopes and API names exports to an empty plan', async () => {
    const { emulator, env } = await withEmulator({ seed: hostileTenant() });
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'grantsync-hostile-')), 'grants');
    const exported = await runCli(['export', '--dir', dir, '--quiet'], { env });
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    // $HOME is set in the child's environment, so an unescaped ${HOME} would be expanded.
    const plan = await runCli(['plan', '--dir', dir, '--detailed-exitcode', '--format', 'json', '--quiet'], { env: { ...env, HOME: '/root', worker: 'x' } });
    expect(plan.stderr).toBe('');
    expect(JSON.parse(plan.stdout).changes).toEqual([]);
    expect(plan.code).toBe(0);
    expect(writeRequests(emulator)).toBe(0);
  });
});

describe('export and symbolic links', { timeout: 60_000 }, () => {
  it('does not overwrite a file outside the repository through a link, even with --force', async () => {
    const { env } = await withEmulator({ seed: DEMO_SEED });
    const top = mkdtempSync(path.join(tmpdir(), 'grantsync-export-link-'));
    const dir = path.join(top, 'repo', 'grants');
    mkdirSync(dir, { recursive: true });
    const victim = path.join(top, 'victim.yaml');
    writeFileSync(victim, 'precious: true\n');
    symlinkSync(victim, path.join(dir, 'payments.yaml'));
    const result = await runCli(['export', '--dir', dir, '--force'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${dir}/payments.yaml resolves to ${victim}, outside the repository`);
    expect(readFileSync(victim, 'utf8')).toBe('precious: true\n');
  });
});
