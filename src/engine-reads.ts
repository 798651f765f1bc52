// A plan's two halves side by side (issue 14): the tenant is read while the grant files are parsed.
//
// grantsync.yaml alone says which tenant and what is managed, so once it is read and valid the reads
// start (clients and APIs at once). The grant files are parsed in slices, letting the answers in
// between, so the rate limit's refill is spent while the YAML is parsed instead of after it. The
// grants are listed once the files are known: per API side by side when the declared grants say
// that costs no more pages than one listing of the tenant (chooseListing, as the verifying re-read).
// Bad files still stop the run with every problem found: the reads in flight are cancelled and
// waited for, so no request or timer outlives it, and nothing is written.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ManagementApi } from './api/port.js';
import { chooseListing, type VerifyReads } from './apply/verify-reads.js';
import { loadResult, parseGrantFilesSteps, parseSettings, type DesiredState } from './config/load.js';
import { readGrantsDirectory, type ReadOptions } from './config/read.js';
import { loadSchemas } from './config/schemas.js';
import { Validator } from './config/validate.js';
import { InputError } from './errors.js';
import { MANAGEMENT_API_ALIAS } from './model/grant.js';
import type { DeclaredGrant, LiveGrant, ResourceServerSummary, Settings, TenantSnapshot } from './model/types.js';

/** Longest stretch of parsing before the answers that arrived meanwhile are let in. */
const SLICE_MS = 10;

/** Runs steps (a generator that pauses now and then) to the end, letting I/O in every SLICE_MS. */
export async function runInSlices<T>(steps: Generator<void, T>, sliceMs = SLICE_MS): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
}

export interface OverlapOptions {
  api: ManagementApi;
  env: Record<string, string | undefined>;
  read: ReadOptions;
  /**
   * Checks that may stop the run before the first read (the tenant named in grantsync.yaml, the
   * token's scopes). A failure is reported only if the grant files are good, as before the overlap.
   */
  beforeReads: (settings: Settings) => Promise<void>;
  /** The client grantsync runs as, once its token is known (its own grant counts in the estimate). */
  ownClientId: () => string | undefined;
  /** Cancels every request of `api`: bad files, or a read that failed (the others are then pointless). */
  cancel: () => void;
  /** Told how the grants are listed, before they are. */
  onGrantReads?: (reads: VerifyReads) => void;
}

/** Reads and validates `dir` while reading the tenant; throws InputError with every problem of the files. */
export async function loadWhileReading(dir: string, options: OverlapOptions): Promise<{ state: DesiredState; tenant: TenantSnapshot }> {
  const directory = await readGrantsDirectory(dir, options.read);
  const validator = new Validator(loadSchemas());
  const settings = parseSettings(directory, validator, options.env);
  const declared = deferred<readonly DeclaredGrant[] | undefined>();
  let reads: Promise<TenantSnapshot> | undefined;
  const good = settings.settings;
  if (settings.problems.length === 0 && good) {
    reads = options.beforeReads(good).then(() => readTenantWhileParsing(options, declared.promise));
    // Handled where it is awaited below; until then a failure must not count as unhandled.
    reads.catch(() => undefined);
  }
  const stop = async (): Promise<void> => {
    declared.resolve(undefined);
    options.cancel();
    await reads?.catch(() => undefined);
  };
  const grants = await runInSlices(parseGrantFilesSteps(directory, validator, good)).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  const loaded = loadResult(settings, grants);
  if (!loaded.ok) {
    await stop();
    throw new InputError(loaded.problems);
  }
  declared.resolve(loaded.state.grants);
  return { state: loaded.state, tenant: await reads! };
}

/** Clients and APIs at once; the grants when the declared grants are known (undefined: bad files, none). */
async function readTenantWhileParsing(options: OverlapOptions, declared: Promise<readonly DeclaredGrant[] | undefined>): Promise<TenantSnapshot> {
  const { api } = options;
  const clients = api.listClients();
  const resourceServers = api.listResourceServers();
  const grants = Promise.all([resourceServers, declared]).then(async ([apis, known]) => (known === undefined ? [] : listGrants(options, apis, known)));
  // One failed read makes the others pointless: cancel them, and report the first failure (not the
  // cancellations it caused) once all have stopped.
  let first: { reason: unknown } | undefined;
  for (const read of [clients, resourceServers, grants]) {
    read.catch((reason: unknown) => {
      first ??= { reason };
      options.cancel();
    });
  }
  await Promise.allSettled([clients, resourceServers, grants]);
  if (first) throw first.reason;
  return { clients: await clients, resourceServers: await resourceServers, grants: await grants };
}

async function listGrants(options: OverlapOptions, apis: readonly ResourceServerSummary[], declared: readonly DeclaredGrant[]): Promise<LiveGrant[]> {
  const reads = chooseListing({
    perAudience: estimatePerAudience(declared, apis, options.ownClientId()),
    audiences: apis.map((rs) => rs.identifier).sort(),
    profile: options.api.readProfile(),
    morePages: 'never',
  });
  options.onGrantReads?.(reads);
  if (reads.by === 'all') return options.api.listGrants();
  const lists = await Promise.all(reads.audiences.map((audience) => options.api.listGrants({ audience })));
  // The order of one listing (by id, code-unit order), so nothing downstream can tell the two apart.
  return lists.flat().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Grants per API as the files declare them, plus the running client's own grant on the Management
 * API: the pages each listing would take if the tenant matches the files (the case of a plan with
 * nothing to do, the one a reviewer waits for most). Audiences that are no API count toward the total only.
 */
export function estimatePerAudience(declared: readonly DeclaredGrant[], apis: readonly ResourceServerSummary[], ownClientId: string | undefined): Map<string, number> {
  const managementApi = apis.find((rs) => rs.is_system)?.identifier;
  const counts = new Map<string, number>();
  const bump = (audience: string): void => void counts.set(audience, (counts.get(audience) ?? 0) + 1);
  for (const grant of declared) bump(grant.audience === MANAGEMENT_API_ALIAS && managementApi ? managementApi : grant.audience);
  if (ownClientId !== undefined && managementApi !== undefined) bump(managementApi);
  return counts;
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
