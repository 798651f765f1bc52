// The plan's overlap (issue 14), against a fake Management API whose reads answer only when told to.
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ManagementApi } from '../../src/api/port.js';
import { chooseListing } from '../../src/apply/verify-reads.js';
import { MANAGEMENT_API_ALIAS } from '../../src/model/grant.js';
import { estimatePerAudience, GrantPageFeed, loadWhileReading } from '../../src/engine-reads.js';
import { InputError } from '../../src/errors.js';
import type { LiveGrant, ReadProfile } from '../../src/model/types.js';
import { writeTree } from '../helpers/directory.js';

/** Reads that hang until cancelled, and a log of what was called. */
function hangingApi(): { api: ManagementApi; calls: string[]; cancel: () => void } {
  const calls: string[] = [];
  const waiting: ((error: Error) => void)[] = [];
  const read = (name: string) => (): Promise<never> => {
    calls.push(name);
    return new Promise((_, reject) => waiting.push(reject));
  };
  const refuse = (name: string) => (): Promise<never> => Promise.reject(new Error(`${name} must not be called`));
  const api = {
    listClients: read('listClients'),
    listResourceServers: read('listResourceServers'),
    listGrants: read('listGrants'),
    createGrant: refuse('createGrant'),
    updateGrant: refuse('updateGrant'),
    deleteGrant: refuse('deleteGrant'),
    readProfile: (): ReadProfile => ({ latencyMs: 50, requestsPerSecond: undefined, readConcurrency: 16, pageSize: 100 }),
  } as unknown as ManagementApi;
  return { api, calls, cancel: () => waiting.splice(0).forEach((reject) => reject(new Error('cancelled'))) };
}

const many = (n: number): string => `grants:\n${Array.from({ length: n }, (_, i) => `  - client_id: c${i}\n    audience: https://api\n    scope: [read]\n`).join('')}`;

describe('loadWhileReading', () => {
  it('starts the reads before the grant files are parsed; a YAML error cancels them and reports the file', async () => {
    const { api, calls, cancel } = hangingApi();
    let cancelled = 0;
    // 3,000 grants before the broken file: far more than one slice of parsing.
    const dir = writeTree({ 'grantsync.yaml': 'manage: all\n', 'a.yaml': many(3000), 'b.yaml': 'grants:\n  - client_id: [unclosed\n' });
    const run = loadWhileReading(dir, {
      api,
      env: {},
      read: { allowOutside: true },
      beforeReads: async () => undefined,
      ownClientId: () => undefined,
      cancel: () => {
        cancelled++;
        cancel();
      },
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems[0]!.location?.file).toMatch(/b\.yaml$/);
    expect(calls).toEqual(['listResourceServers', 'listClients']);
    expect(cancelled).toBeGreaterThan(0);
  });

  it('lists the grants per API while the files are still being parsed, as counted in their text', async () => {
    const { api, calls, cancel } = hangingApi();
    const listed: (string | undefined)[] = [];
    const apis = [{ identifier: 'https://api', scopes: [] }, { identifier: 'https://other', scopes: [] }];
    const hanging = api.listGrants.bind(api);
    Object.assign(api, {
      listResourceServers: async () => (calls.push('listResourceServers'), apis),
      listGrants: (filter: { audience?: string } = {}) => {
        listed.push(filter.audience);
        return hanging(filter);
      },
    });
    // 3,000 grants of https://api (30 pages) and 100 of https://other (1 page): 31 pages either way,
    // so side by side. The broken file comes last, after far more than one slice of parsing.
    const other = `grants:\n${Array.from({ length: 100 }, (_, i) => `  - {client_id: d${i}, audience: https://other, scope: [read]}\n`).join('')}`;
    const dir = writeTree({ 'grantsync.yaml': 'manage: all\n', 'a.yaml': many(3000), 'b.yaml': other, 'c.yaml': 'grants:\n  - client_id: [unclosed\n' });
    const error = await loadWhileReading(dir, { api, env: {}, read: { allowOutside: true }, beforeReads: async () => undefined, ownClientId: () => undefined, cancel }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(listed.sort()).toEqual(['https://api', 'https://other']);
  });

  it('parses large files once the grant listings have started, so a bad one found at once still lets them start first', async () => {
    const { api, cancel: cancelWaiting } = hangingApi();
    const listed: (string | undefined)[] = [];
    const hanging = api.listGrants.bind(api);
    // As the real client: once cancelled, a read not yet sent fails at once.
    let cancelled = false;
    const cancel = (): void => {
      cancelled = true;
      cancelWaiting();
    };
    Object.assign(api, {
      // The APIs answer after a round trip; the broken file would be found long before.
      listResourceServers: () => new Promise((resolve) => setTimeout(() => resolve([{ identifier: 'https://api', scopes: [] }]), 30)),
      listGrants: (filter: { audience?: string } = {}) => {
        if (cancelled) return Promise.reject(new Error('cancelled'));
        listed.push(filter.audience);
        return hanging(filter);
      },
    });
    // Large (a long comment, quick to parse), and broken at its end.
    const large = `# ${'x'.repeat(300 * 1024)}\ngrants:\n  - client_id: [unclosed\n`;
    const error = await loadWhileReading(writeTree({ 'grantsync.yaml': 'manage: all\n', 'a.yaml': large }), { api, env: {}, read: { allowOutside: true }, beforeReads: async () => undefined, ownClientId: () => undefined, cancel }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(listed).toEqual([undefined]);
    // A small file is parsed at once: its mistake is reported before any grant listing.
    listed.length = 0;
    cancelled = false;
    const small = await loadWhileReading(writeTree({ 'grantsync.yaml': 'manage: all\n', 'a.yaml': 'grants:\n  - client_id: [unclosed\n' }), { api, env: {}, read: { allowOutside: true }, beforeReads: async () => undefined, ownClientId: () => undefined, cancel }).catch((e: unknown) => e);
    expect(small).toBeInstanceOf(InputError);
    expect(listed).toEqual([]);
  });

  it('starts the reads once grantsync.yaml is read; a grant file that cannot be read then stops them, and nothing waits for ever', async () => {
    const { api, calls, cancel } = hangingApi();
    // The APIs answer at once: the grant listings then wait for the files' count, which never comes.
    (api as { listResourceServers: () => Promise<unknown> }).listResourceServers = async () => (calls.push('listResourceServers'), []);
    let cancelled = 0;
    const dir = writeTree({ 'grantsync.yaml': 'manage: all\n', 'a.yaml': many(1) });
    // A grant file that resolves outside the repository (the fence is the directory's parent here).
    symlinkSync('/etc/hostname', path.join(dir, 'b.yaml'));
    const error = await loadWhileReading(dir, {
      api,
      env: {},
      read: {},
      beforeReads: async () => undefined,
      ownClientId: () => undefined,
      cancel: () => {
        cancelled++;
        cancel();
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.map((p) => p.message).join('\n')).toMatch(/b\.yaml/);
    expect(calls).toEqual(['listResourceServers', 'listClients']);
    expect(cancelled).toBeGreaterThan(0);
  });

  it.each([
    ['a value it does not know', 'manage: sometimes\n', /manage/],
    ['YAML that does not parse', 'manage: [all\n', /grantsync\.yaml:\d+:\d+|flow sequence|\]/],
  ])('a bad grantsync.yaml (%s) starts no read, and is reported', async (_, text, problem) => {
    const { api, calls } = hangingApi();
    const dir = writeTree({ 'grantsync.yaml': text, 'a.yaml': many(1) });
    const error = await loadWhileReading(dir, { api, env: {}, read: { allowOutside: true }, beforeReads: async () => undefined, ownClientId: () => undefined, cancel: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(JSON.stringify((error as InputError).problems)).toMatch(problem);
    expect(calls).toEqual([]);
  });
});

describe('the plan\'s choice of grant listing', () => {
  const declared = (...counts: [string, number][]): Map<string, number> => new Map(counts);
  const apis = [{ identifier: 'https://a', scopes: [] }, { identifier: 'https://b', scopes: [] }, { identifier: 'https://mgmt/api/v2/', is_system: true, scopes: [] }];
  const profile: ReadProfile = { latencyMs: 50, requestsPerSecond: undefined, readConcurrency: 16, pageSize: 100 };
  const choose = (grants: Map<string, number>, own?: string) =>
    chooseListing({ perAudience: estimatePerAudience(grants, apis, own), audiences: apis.map((a) => a.identifier), profile, morePages: 'never' });

  it('per API when it takes as many pages, counting the running client\'s own grant', () => {
    // 300 + 300 + 1 = 601 grants: 7 pages either way.
    expect(choose(declared(['https://a', 300], ['https://b', 300]), 'me')).toMatchObject({ by: 'audience', pages: 7 });
  });

  it('one listing when per API would take one page more, whatever the rate', () => {
    // 250 + 250 + 1 = 501 grants: 6 pages in one listing, 3 + 3 + 1 = 7 per API.
    expect(choose(declared(['https://a', 250], ['https://b', 250]), 'me')).toMatchObject({ by: 'all', pages: 6 });
    expect(chooseListing({ perAudience: new Map([['https://a', 250], ['https://b', 250]]), audiences: ['https://a', 'https://b'], profile: { ...profile, requestsPerSecond: Infinity, latencyMs: 1000 }, morePages: 'never' })).toMatchObject({ by: 'all' });
  });

  it('the Management API alias counts on the Management API', () => {
    expect(estimatePerAudience(declared([MANAGEMENT_API_ALIAS, 2]), apis, undefined).get('https://mgmt/api/v2/')).toBe(2);
  });
});

describe('GrantPageFeed', () => {
  const page = (...ids: string[]): LiveGrant[] => ids.map((id) => ({ id, client_id: 'c', audience: 'https://a' }));

  it('keeps the pages read before the diff exists, then gives them one per turn, and later pages at once', async () => {
    const feed = new GrantPageFeed();
    const given: string[][] = [];
    const differ = { add: (grants: readonly LiveGrant[]) => void given.push(grants.map((g) => g.id)) };
    feed.page(page('g1'));
    feed.page(page('g2', 'g3'));
    feed.page(page('g4'));
    const started = feed.start(differ);
    // The first page at once; the others wait for later turns, not to hold up the answers in between.
    expect(given).toEqual([['g1']]);
    feed.page(page('g5'));
    expect(given).toEqual([['g1'], ['g5']]);
    await started;
    expect(given).toEqual([['g1'], ['g5'], ['g2', 'g3'], ['g4']]);
  });

  it('gives every waiting page at once when flushed, and nothing twice', async () => {
    const feed = new GrantPageFeed();
    const given: string[] = [];
    const differ = { add: (grants: readonly LiveGrant[]) => void given.push(...grants.map((g) => g.id)) };
    feed.flush();
    for (const id of ['g1', 'g2', 'g3']) feed.page(page(id));
    const started = feed.start(differ);
    feed.flush();
    expect(given).toEqual(['g1', 'g2', 'g3']);
    await started;
    expect(given).toEqual(['g1', 'g2', 'g3']);
  });
});
