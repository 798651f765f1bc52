// The ManagementApi port straight onto the emulator's TenantStore (no HTTP): for in-process
// property tests of diff + apply against Auth0's rules. End-to-end tests use real HTTP instead.
import type { CreateGrantBody, GrantFilter, ManagementApi, UpdateGrantBody } from '../../src/api/port.js';
import type { ReadProfile } from '../../src/model/types.js';
import { TenantStore, present, type Reply } from '../../src/emulator/store.js';
import { ApiError } from '../../src/errors.js';
import type { GrantKey, LiveGrant, OrganizationSummary } from '../../src/model/types.js';
import { associate, dissociate, organizationsOf } from '../../src/emulator/organizations.js';

export class StoreApi implements ManagementApi {
  writes = 0;
  /** Association listings made (per organization or per grant). */
  organizationReads = 0;
  /** Every listing made, by its filter ('all' or the audience). */
  readonly listings: string[] = [];
  constructor(
    readonly store: TenantStore,
    /** What this fake server claims its reads cost; it answers every listing at once regardless. */
    private readonly profile: ReadProfile = { latencyMs: 0, requestsPerSecond: Infinity, readConcurrency: 16, pageSize: 100 },
  ) {}

  async listGrants(filter: GrantFilter = {}): Promise<LiveGrant[]> {
    this.listings.push(filter.audience ?? 'all');
    const grants = filter.audience === undefined ? this.store.state.grants : this.store.listGrants({ audience: filter.audience });
    return grants.map((g) => present(g) as unknown as LiveGrant);
  }
  readProfile(): ReadProfile {
    return this.profile;
  }
  async listClients() {
    return this.store.state.clients.filter((c) => !c.global).map((c) => ({ client_id: c.client_id, name: c.name, app_type: c.app_type, grant_types: c.grant_types }));
  }
  async listResourceServers() {
    return this.store.state.resourceServers.map((rs) => ({
      id: rs.id,
      identifier: rs.identifier,
      name: rs.name,
      ...(rs.is_system ? { is_system: true } : {}),
      scopes: rs.scopes.map((s) => s.value),
    }));
  }
  async findGrant(key: GrantKey): Promise<LiveGrant | undefined> {
    const filter = key.default_for ? { default_for: key.default_for } : { client_id: key.client_id, subject_type: key.subject_type };
    const found = this.store.listGrants({ ...filter, audience: key.audience })[0];
    return found ? (present(found) as unknown as LiveGrant) : undefined;
  }
  async listOrganizations(): Promise<OrganizationSummary[]> {
    return organizationsOf(this.store).map((o) => ({ id: o.id, name: o.name }));
  }
  async listOrganizationGrants(organizationId: string): Promise<string[]> {
    this.organizationReads++;
    return [...(this.store.state.organizationGrants?.[organizationId] ?? [])];
  }
  async listGrantOrganizations(grantId: string): Promise<string[]> {
    this.organizationReads++;
    return Object.entries(this.store.state.organizationGrants ?? {}).filter(([, ids]) => ids.includes(grantId)).map(([id]) => id);
  }
  async associateOrganization(organizationId: string, grantId: string): Promise<void> {
    const reply = associate(this.store, organizationId, { grant_id: grantId });
    if (reply.status !== 409) this.check('POST', reply);
  }
  async dissociateOrganization(organizationId: string, grantId: string): Promise<void> {
    this.check('DELETE', dissociate(this.store, organizationId, grantId));
  }
  async createGrant(body: CreateGrantBody): Promise<LiveGrant> {
    return this.check('POST', this.store.createGrant(body)) as LiveGrant;
  }
  async updateGrant(id: string, body: UpdateGrantBody): Promise<void> {
    this.check('PATCH', this.store.updateGrant(id, body));
  }
  async deleteGrant(id: string): Promise<void> {
    this.check('DELETE', this.store.deleteGrant(id));
  }

  private check(method: string, reply: Reply): unknown {
    if (reply.status >= 400) {
      const body = reply.body as { message: string };
      throw new ApiError({ message: `${method} → ${reply.status} ${body.message}`, method, path: '/api/v2/client-grants', status: reply.status });
    }
    this.writes++;
    return reply.body;
  }
}
