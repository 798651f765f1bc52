// 100 seeded random scenarios: random tenant, random YAML, random ownership, and an emulator that
// answers 503s, resets connections, drops replies to writes it applied, rate-limits hard and
// expires tokens early. After at most two applies the managed grants equal the YAML, and every
// grant outside ownership is unchanged.
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_DEPLOYER } from '../../src/demo/tenant.js';
import { seededRandom, startEmulator } from '../../src/emulator/server.js';
import type { Seed, SeedGrant } from '../../src/emulator/seed.js';
import { present } from '../../src/emulator/store.js';
import { writeTree } from '../helpers/directory.js';
import { runInProcess } from '../helpers/inprocess.js';
import { findSecret } from '../helpers/secrets.js';

const TENANT = 'faults.example.com';
const MAPI = `https://${TENANT}/api/v2/`;
const CLIENTS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'].map((name, i) => ({ name, client_id: `${name}${String(i).repeat(32 - name.length)}` }));
const APIS = ['https://api.one', 'https://api.two', 'https://api.three'];
const SCOPES = ['read:a', 'write:a', 'read:b', 'write:b', 'admin'];

interface Scenario {
  seed: Seed;
  files: Record<string, string>;
  /** key → sorted scopes, for the managed grants the YAML declares. */
  expected: Map<string, string[]>;
  isManaged: (clientId: string | undefined, audience: string, system: boolean) => boolean;
}

function pick<T>(random: () => number, items: readonly T[]): T[] {
  return items.filter(() => random() < 0.5);
}

function makeScenario(n: number): Scenario {
  const random = seededRandom(1000 + n);
  const manageAll = random() < 0.5;
  const managed = manageAll ? APIS : APIS.filter((_, i) => i === 0 || random() < 0.5);
  const excluded = random() < 0.3 ? [CLIENTS[4]!] : [];
  const isManaged = (clientId: string | undefined, audience: string, system: boolean): boolean =>
    !system && clientId !== undefined && clientId !== DEMO_DEPLOYER.clientId && !excluded.some((c) => c.client_id === clientId) && managed.includes(audience);

  const grants: SeedGrant[] = [
    { client_id: DEMO_DEPLOYER.clientId, audience: MAPI, scope: ['read:client_grants', 'create:client_grants', 'update:client_grants', 'delete:client_grants', 'read:clients', 'read:resource_servers', 'read:organizations', 'read:organization_client_grants'] },
  ];
  if (random() < 0.5) grants.push({ client_id: CLIENTS[5]!.client_id, audience: MAPI, scope: ['read:users'], is_system: true });
  const expected = new Map<string, string[]>();
  const files: Record<string, string[]> = { 'a.yaml': [], 'team/b.yaml': [], 'c.yml': [] };
  for (const client of CLIENTS) {
    for (const audience of APIS) {
      for (const subject of ['client', 'user'] as const) {
        if (subject === 'user' && random() < 0.7) continue;
        if (random() < 0.35) grants.push({ client_id: client.client_id, audience, scope: pick(random, SCOPES), subject_type: subject, ...(random() < 0.2 ? { organization_usage: 'allow' as const } : {}) });
        if (!isManaged(client.client_id, audience, false) || random() < 0.45) continue;
        const scope = pick(random, SCOPES);
        expected.set(`${client.client_id}|${audience}|${subject}`, [...scope].sort());
        const who = random() < 0.5 ? `client: ${client.name}` : `client_id: ${client.client_id}`;
        const file = Object.keys(files)[Math.floor(random() * 3)]!;
        files[file]!.push(`  - ${who}\n    audience: ${audience}\n    scope: [${scope.join(', ')}]\n${subject === 'user' ? '    subject_type: user\n' : ''}`);
      }
    }
  }
  const settings = [
    `manage: ${manageAll ? 'all' : `{ audiences: [${managed.join(', ')}] }`}`,
    'max_deletes: 1000',
    excluded.length ? `exclude: { clients: [${excluded[0]!.name}] }` : '',
  ].join('\n');
  return {
    seed: {
      tenant: TENANT,
      clients: [{ client_id: DEMO_DEPLOYER.clientId, name: 'deployer', app_type: 'non_interactive', client_secret: DEMO_DEPLOYER.clientSecret }, ...CLIENTS.map((c) => ({ ...c, app_type: 'non_interactive' }))],
      resource_servers: APIS.map((identifier) => ({ identifier, scopes: SCOPES })),
      client_grants: grants,
    },
    files: {
      'grantsync.yaml': `${settings}\n`,
      ...Object.fromEntries(Object.entries(files).map(([name, items]) => [name, items.length ? `grants:\n${items.join('')}` : 'grants: []\n'])),
    },
    expected,
    isManaged,
  };
}

const totals = { scenarios: 0, runs: 0, secondRunsNeeded: 0, writes: 0, serverErrors: 0, resets: 0, lostReplies: 0, expiredTokens: 0, rateLimited: 0 };

describe('apply under injected faults', () => {
  afterAll(() => {
    console.log(`fault suite: ${JSON.stringify(totals)}`);
    // Every kind of fault was injected somewhere. Checked once all scenarios have run (not in a test
    // of its own, which would depend on the ones before it); a filtered run checks nothing here.
    if (totals.scenarios < 100) return;
    expect(totals.serverErrors).toBeGreaterThan(0);
    expect(totals.resets).toBeGreaterThan(0);
    expect(totals.lostReplies).toBeGreaterThan(0);
    expect(totals.expiredTokens).toBeGreaterThan(0);
    expect(totals.rateLimited).toBeGreaterThan(0);
  });

  it.each(Array.from({ length: 100 }, (_, i) => i))('scenario %i converges within two applies', async (n) => {
    const scenario = makeScenario(n);
    const dice = seededRandom(5000 + n);
    const emulator = await startEmulator({
      seed: scenario.seed,
      randomSeed: n + 1,
      rateLimit: dice() < 0.4 ? { burst: 3, perSecond: 300 } : undefined,
      faults: {
        seed: n,
        serverErrorRate: 0.08,
        resetRate: 0.04,
        lostReplyRate: 0.2,
        tokenMaxUses: 10 + Math.floor(dice() * 20),
      },
    });
    try {
      const untouchedBefore = emulator.store.state.grants.filter((g) => !scenario.isManaged(g.client_id, g.audience, g.is_system === true)).map((g) => JSON.stringify(present(g))).sort();
      const dir = writeTree(scenario.files);
      const env = {
        AUTH0_DOMAIN: emulator.url,
        AUTH0_CLIENT_ID: DEMO_DEPLOYER.clientId,
        AUTH0_CLIENT_SECRET: DEMO_DEPLOYER.clientSecret,
        GRANTSYNC_RETRY_BASE_MS: '2',
        GRANTSYNC_RETRY_MAX_MS: '50',
      };
      let result = await runInProcess(['apply', '--dir', dir, '--quiet'], env);
      totals.runs++;
      if (result.code !== 0) {
        totals.secondRunsNeeded++;
        result = await runInProcess(['apply', '--dir', dir, '--quiet'], env);
        totals.runs++;
      }
      expect(result.stderr, `scenario ${n}: ${result.stdout}`).toBe('');
      expect(result.code).toBe(0);
      for (const text of [result.stdout, result.stderr]) expect(findSecret(text)).toBeUndefined();

      const grants = emulator.store.state.grants;
      const managed = new Map(
        grants
          .filter((g) => scenario.isManaged(g.client_id, g.audience, g.is_system === true))
          .map((g) => [`${g.client_id}|${g.audience}|${g.subject_type}`, [...(g.scope ?? [])].sort()]),
      );
      expect(managed).toEqual(scenario.expected);
      const untouchedAfter = grants.filter((g) => !scenario.isManaged(g.client_id, g.audience, g.is_system === true)).map((g) => JSON.stringify(present(g))).sort();
      expect(untouchedAfter).toEqual(untouchedBefore);
      const keys = grants.map((g) => `${g.client_id}|${g.audience}|${g.subject_type}`);
      expect(new Set(keys).size).toBe(keys.length);

      const stats = emulator.stats();
      totals.scenarios++;
      totals.writes += stats.writes;
      totals.serverErrors += stats.faults.serverErrors;
      totals.resets += stats.faults.resets;
      totals.lostReplies += stats.faults.lostReplies;
      totals.expiredTokens += stats.faults.expiredTokens;
      totals.rateLimited += stats.rateLimited;
    } finally {
      await emulator.close();
    }
  });
});
