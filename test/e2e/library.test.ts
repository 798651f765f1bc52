// The package's entry point (package.json "exports") as a user's script would use it: load, plan,
// render, apply and verify against the emulator, all from the built module.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_DEPLOYER, DEMO_SEED } from '../helpers/emulator.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: { '.': string } };
type Library = typeof import('../../src/index.js');
const load = async (): Promise<Library> => (await import(pathToFileURL(path.resolve(pkg.exports['.'])).href)) as Library;

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe('grantsync as a library', () => {
  it('plans, applies and verifies through the exported API, and the re-plan is empty', async () => {
    const lib = await load();
    const emulator = await lib.startEmulator({ seed: DEMO_SEED, randomSeed: 1 });
    stop = () => emulator.close();

    const state = await lib.loadDirectory('grants');
    const endpoint = lib.parseDomain(emulator.url);
    lib.checkTenant(state, endpoint);
    const redactor = new lib.Redactor();
    const client = new lib.ManagementClient({ endpoint, redactor, credentials: { clientId: DEMO_DEPLOYER.clientId, clientSecret: DEMO_DEPLOYER.clientSecret } });
    // The demo's partner-sync grant is associated with organizations: read them, as the CLI does.
    const { tenant, reads } = await lib.readOrganizationAccess(client, state, await lib.readTenant(client), { ownClientId: client.tokens.clientId });
    expect(reads.by).not.toBe('none');
    const planned = lib.planFromState(state, tenant, { tenantName: endpoint.host, ownClientId: client.tokens.clientId });

    const json = JSON.parse(lib.renderJson(planned.plan)) as { summary: Record<string, number> };
    expect(json.summary).toMatchObject({ create: 2, update: 4, delete: 1 });
    expect(lib.renderMarkdown(planned.plan)).toContain('**Plan: 2 to create, 4 to update, 1 to delete.**');

    const guards = { maxDeletes: state.settings.maxDeletes, ownClientKnown: planned.ownership.ownClientId !== undefined, systemAudiences: lib.systemAudiences(tenant) };
    lib.checkGuards(planned.plan.changes, guards);
    expect(() => lib.checkGuards(planned.plan.changes, { ...guards, maxDeletes: 0 })).toThrow(lib.RefusedError);
    const result = await lib.applyAndVerify(client, planned.plan.changes, { live: planned.diff.managed, desired: planned.desired, ownership: planned.ownership });
    expect(result.outcomes.map((o) => o.kind).sort()).toEqual(['created', 'created', 'deleted', 'updated', 'updated', 'updated', 'updated']);
    expect(result.remaining).toEqual([]);

    const reread = await lib.readOrganizationAccess(client, state, await lib.readTenant(client), { ownClientId: client.tokens.clientId });
    const again = lib.planFromState(state, reread.tenant, { tenantName: endpoint.host, ownClientId: client.tokens.clientId });
    expect(again.plan.changes).toEqual([]);
    expect(redactor.redact(`secret ${DEMO_DEPLOYER.clientSecret}`)).not.toContain(DEMO_DEPLOYER.clientSecret);
  });

  it('reports bad input as an InputError with locations, before any request', async () => {
    const lib = await load();
    const error = await lib.loadDirectory('test/fixtures/bad-input/tab-indentation/grants').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(lib.InputError);
    expect(lib.renderProblems((error as InstanceType<Library['InputError']>).problems)).toMatch(/\.yaml:\d+:\d+: error: /);
  });
});
