// The Management API as grantsync needs it. The got client implements it; apply and the CLI depend on this.
import type { ReadProfile } from '../model/types.js';
import type { ClientSummary, GrantKey, LiveGrant, OrganizationUsage, ResourceServerSummary } from '../model/types.js';

export interface CreateGrantBody {
  client_id: string;
  audience: string;
  scope: string[];
  subject_type: 'client' | 'user';
  organization_usage?: OrganizationUsage;
  allow_any_organization?: boolean;
}

export interface UpdateGrantBody {
  scope?: string[];
  organization_usage?: OrganizationUsage;
  allow_any_organization?: boolean;
  allow_all_scopes?: boolean;
}

/** Server-side filters of the grant list that grantsync uses. */
export interface GrantFilter {
  audience?: string;
}

export interface ManagementApi {
  /** Every grant (or every grant of one audience), read to the last page. */
  listGrants(filter?: GrantFilter): Promise<LiveGrant[]>;
  listClients(): Promise<ClientSummary[]>;
  listResourceServers(): Promise<ResourceServerSummary[]>;
  /** The live grant with this identity, read with a filtered list (never cached). */
  findGrant(key: GrantKey): Promise<LiveGrant | undefined>;
  createGrant(body: CreateGrantBody): Promise<LiveGrant>;
  updateGrant(id: string, body: UpdateGrantBody): Promise<LiveGrant>;
  /** Resolves also when the grant is already gone (Auth0 answers 204 either way). */
  deleteGrant(id: string): Promise<void>;
  /** What reads have cost so far, to choose how to re-read after an apply. */
  readProfile(): ReadProfile;
}
