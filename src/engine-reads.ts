// A plan's two halves side by side (issue 14): the tenant is read while the grant files are parsed.
//
// grantsync.yaml alone says which tenant and what is managed, so once it is read and valid the reads
// start, before the other files are read from disk: clients, APIs and grants at once. The grants are listed per API side by side when that
// costs no more pages than one listing of the tenant (chooseListing, as the verifying re-read),
// judged from a count of the files' `audience:` keys in their raw text (config/audience-census.ts)
// so the listing need not wait seconds for the parse. The grant files are parsed in slices, letting
// the answers in between, once the grant listings have started (or after PARSE_HOLD_MS): the first
// requests are a chain of round trips that parsing would only delay. Bad files still stop the run
// with every problem found: the reads in flight are cancelled and waited for, so no request or timer
// outlives it, and nothing is written. Each page of grants is handed on as it comes
// (onGrantPage): the plan works out its diff while the rest are listed (GrantPageFeed).
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ListingHint, ManagementApi } from './api/port.js';
import type { IncrementalDiff } from './diff/incremental.js';
import { chooseListing, type VerifyReads } from './apply/verify-reads.js';
import { countAudiencesSteps } from './config/audience-census.js';
import { grantFilesOf, loadResult, parseGrantFilesSteps, parseSettings, parseSettingsFile, type DesiredState, type GrantsDirectory } from './config/load.js';
import { finish } from './util/steps.js';
import { readGrantsDirectory, type ReadOptions } from './config/read.js';
import { Validator } from './config/validate.js';
import { InputError } from './errors.js';
import { MANAGEMENT_API_ALIAS } from './model/grant.js';
import type { LiveGrant, ResourceServerSummary, Settings, TenantSnapshot } from './model/types.js';

/** Longest stretch of parsing before the answers that arrived meanwhile are let in. */
const SLICE_MS = 3;

/**
 * How long the parse waits, at most, for the grant listings to start. From the token to the APIs'
 * answer to the first grant pages, the plan's first requests are a chain of round trips, and every
 * slice of parsing in between delays the next link: held back, the first grant listing leaves
 * ≈ 35 ms sooner (floor scenario). The parse has seconds to spare; a tenant slower than this does not
 * hold it longer, nor a bad file's report. Files smaller than PARSE_HOLD_MIN_BYTES are parsed at
 * once: they delay the first requests little, and a mistake in them is reported before the grant
 * listings start (a few reads fewer against a tenant with a tight limit).
 */
const PARSE_HOLD_MS = 250;
const PARSE_HOLD_MIN_BYTES = 256 * 1024;

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
  /**
   * Called once the files are good and the clients and APIs are read, while the grants may still be
   * listed: work that needs only those can be done before the last page instead of after it.
   */
  beforeGrants?: (state: DesiredState, partial: Pick<TenantSnapshot, 'clients' | 'resourceServers'>) => void | Promise<void>;
  /**
   * Called once the files are parsed and good, while the reads go on: the time the rate limit leaves
   * idle, for work that would otherwise come after the last answer (loading the code that prints).
   */
  whileReading?: () => void;
  /** Told each page of grants as soon as it is read (see ListingHint.onItems). */
  onGrantPage?: (grants: readonly LiveGrant[]) => void;
}

/**
 * Pages of grants for a diff made only once the clients and APIs are read (IncrementalDiff): kept
 * until it exists, then given to it one page per turn, not to hold up the answers that come in
 * meanwhile, and at once from then on.
 */
export class GrantPageFeed {
  private readonly waiting: (readonly LiveGrant[])[] = [];
  private differ: Pick<IncrementalDiff, 'add'> | undefined;

  /** For `onGrantPage`. */
  readonly page = (grants: readonly LiveGrant[]): void => {
    if (this.differ) this.differ.add(grants);
    else this.waiting.push(grants);
  };

  /** Starts feeding `differ`: the pages read so far one per turn, later ones as they come. */
  async start(differ: Pick<IncrementalDiff, 'add'>): Promise<void> {
    this.differ = differ;
    while (this.waiting.length > 0) {
      differ.add(this.waiting.shift()!);
      if (this.waiting.length > 0) await nextTurn();
    }
  }

  /** Gives the diff every page still waiting, now: the plan needs them all. */
  flush(): void {
    const differ = this.differ;
    if (differ) while (this.waiting.length > 0) differ.add(this.waiting.shift()!);
  }
}

/** Reads and validates `dir` while reading the tenant; throws InputError with every problem of the files. */
export async function loadWhileReading(dir: string, options: OverlapOptions): Promise<{ state: DesiredState; tenant: TenantSnapshot }> {
  const validator = new Validator();
  let reads: Promise<TenantSnapshot> | undefined;
  const partial = deferred<Pick<TenantSnapshot, 'clients' | 'resourceServers'>>();
  const listing = deferred<void>();
  // The files' audiences are counted in slices while the token is fetched (a round trip the CPU
  // would spend waiting), so that the grant listings can start as soon as the APIs are known.
  let counted: Map<string, number> | undefined;
  const startReads = (good: Settings): void => {
    // Should the APIs' answer come first, the count is finished there and then.
    // directoryRead is set by then: startReads runs from its callback, after its first await.
    const declared = async (): Promise<Map<string, number>> => (counted ??= finish(countDeclaredAudiences(await directoryRead)));
    reads = options.beforeReads(good).then(() => readTenantWhileParsing(options, declared, partial.resolve, listing.resolve));
    // Handled where it is awaited below; until then a failure must not count as unhandled. Reads
    // that end (or fail) before any grant listing let the parse go too.
    reads.then(() => listing.resolve(), () => listing.resolve());
  };
  // grantsync.yaml is read first: once it is good, the token and the first reads go out while the
  // grant files are still read from disk (~12 ms for 1.4 MB). What the whole directory says about
  // the settings (a grantsync.yaml deeper down) is checked below, and stops these reads.
  const directoryRead = readGrantsDirectory(dir, options.read, (file) => {
    const top = parseSettingsFile(file, validator, options.env);
    if (top.problems.length === 0 && top.settings) startReads(top.settings);
  });
  const directory = await directoryRead.catch(async (error: unknown) => {
    // A file that cannot be read, found after the reads went out: they stop (the grant listings,
    // which wait for the files' count, fail with this same error), then the problem is reported.
    options.cancel();
    await reads?.catch(() => undefined);
    throw error;
  });
  const settings = parseSettings(directory, validator, options.env);
  const good = settings.settings;
  // The whole directory's settings are good only if the top grantsync.yaml alone was: the reads
  // started from it, and the token request is out (built in the turns since).
  if (settings.problems.length === 0 && good) {
    const census = await runInSlices(countDeclaredAudiences(directory));
    counted ??= census;
    const bytes = grantFilesOf(directory).reduce((sum, file) => sum + file.bytes.byteLength, 0);
    if (bytes >= PARSE_HOLD_MIN_BYTES) await settledOrAfter(listing.promise, PARSE_HOLD_MS);
  }
  const stop = async (): Promise<void> => {
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
  options.whileReading?.();
  const { beforeGrants } = options;
  // Only a head start: whatever it throws is the caller's to catch, never an unhandled rejection.
  if (beforeGrants) partial.promise.then((known) => beforeGrants(loaded.state, known)).catch(() => undefined);
  return { state: loaded.state, tenant: await reads! };
}

/** Clients, APIs and grants at once (the grants as soon as the APIs are known). */
async function readTenantWhileParsing(
  options: OverlapOptions,
  declared: () => Promise<ReadonlyMap<string, number>>,
  onPartial: (partial: Pick<TenantSnapshot, 'clients' | 'resourceServers'>) => void,
  onListing: () => void,
): Promise<TenantSnapshot> {
  const { api } = options;
  // The APIs first: the grant listings wait for their answer, and the clients' first page, sent
  // just after, is then read after it rather than before it.
  const resourceServers = api.listResourceServers();
  const clients = api.listClients();
  Promise.all([clients, resourceServers]).then(([c, r]) => onPartial({ clients: c, resourceServers: r }), () => undefined);
  const grants = resourceServers.then(async (apis) => listGrants(options, apis, await declared(), onListing));
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

async function listGrants(options: OverlapOptions, apis: readonly ResourceServerSummary[], declared: ReadonlyMap<string, number>, onListing: () => void): Promise<LiveGrant[]> {
  const perAudience = estimatePerAudience(declared, apis, options.ownClientId());
  const reads = chooseListing({
    perAudience,
    audiences: apis.map((rs) => rs.identifier).sort(),
    profile: options.api.readProfile(),
    morePages: 'never',
  });
  options.onGrantReads?.(reads);
  // The expected sizes order the pages of the listings side by side (the longest first), never what is read.
  if (reads.by === 'all') {
    const all = options.api.listGrants({}, { expectedItems: [...perAudience.values()].reduce((sum, n) => sum + n, 0), ...onItems(options) });
    onListing();
    return all;
  }
  const listings = Promise.all(reads.audiences.map((audience) => options.api.listGrants({ audience }, { expectedItems: perAudience.get(audience) ?? 0, ...onItems(options) })));
  onListing();
  const lists = await listings;
  // The order of one listing (by id, code-unit order), so nothing downstream can tell the two apart.
  return lists.flat().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The grant files' `audience:` values, counted in their text (grantsync.yaml declares no grant), in steps. */
function countDeclaredAudiences(directory: GrantsDirectory): Generator<void, Map<string, number>> {
  const decoder = new TextDecoder();
  // Decoded one file at a time, as the count reaches it (a step each).
  return countAudiencesSteps((function* () {
    for (const file of grantFilesOf(directory)) yield decoder.decode(file.bytes);
  })());
}

/**
 * Grants per API as the files declare them (`declared`: grants per audience value), plus the running
 * client's own grant on the Management API: the pages each listing would take if the tenant matches
 * the files (the case of a plan with nothing to do, the one a reviewer waits for most). Audiences
 * that are no API count toward the total only.
 */
export function estimatePerAudience(declared: ReadonlyMap<string, number>, apis: readonly ResourceServerSummary[], ownClientId: string | undefined): Map<string, number> {
  const managementApi = apis.find((rs) => rs.is_system)?.identifier;
  const counts = new Map<string, number>();
  const bump = (audience: string, by: number): void => void counts.set(audience, (counts.get(audience) ?? 0) + by);
  for (const [audience, n] of declared) bump(audience === MANAGEMENT_API_ALIAS && managementApi ? managementApi : audience, n);
  if (ownClientId !== undefined && managementApi !== undefined) bump(managementApi, 1);
  return counts;
}

/** Resolves when `promise` settles or after `ms`, whichever comes first; no timer is left behind. */
async function settledOrAfter(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([promise.then(() => undefined, () => undefined), elapsed]);
  clearTimeout(timer);
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function onItems(options: OverlapOptions): Pick<ListingHint, 'onItems'> {
  return options.onGrantPage ? { onItems: options.onGrantPage } : {};
}
