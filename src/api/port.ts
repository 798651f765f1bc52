// The Management API as grantsync needs it. The got client implements it; apply and the CLI depend on this.
import type { ReadProfile } from '../model/types.js';
import type { ClientSummary, GrantKey, LiveGrant, OrganizationSummary, OrganizationUsage, ResourceServerSummary } from '../model/types.js';

/** A grant to one client (client_id, subject_type) or a default grant (default_for); scope or allow_all_scopes. */
export interface CreateGrantBody {
  client_id?: string;
  default_for?: 'third_party_clients';
  audience: string;
  scope?: string[];
  subject_type?: 'client' | 'user';
  organization_usage?: OrganizationUsage;
  allow_any_organization?: boolean;
  allow_all_scopes?: true;
  authorization_details_types?: string[];
}

export interface UpdateGrantBody {
  scope?: string[];
  organization_usage?: OrganizationUsage;
  allow_any_organization?: boolean;
  allow_all_scopes?: boolean;
  authorization_details_types?: string[];
}

/** Server-side filters of the grant list that grantsync uses. */
export interface GrantFilter {
  audience?: string;
}

/**
 * What the caller expects a listing to hold. It only orders the pages of listings read side by side
 * (the one with the most pages left first: see pagesLeft in api/pages.ts), never what is read.
 */
export interface ListingHint {
  expectedItems?: number;
  /**
   * Told each page's grants as soon as it is read (a plan works out its diff while the rest are
   * listed); it never changes what is read or returned, and what it throws is ignored. The grants it
   * is given are the ones the listing returns: nothing may change them in place afterwards (the
   * incremental diff checks that it saw the same objects, not that they kept their fields).
   */
  onItems?: (grants: readonly LiveGrant[]) => void;
}

export interface ManagementApi {
  /** Every grant (or every grant of one audience), read to the last page. */
  listGrants(filter?: GrantFilter, hint?: ListingHint): Promise<LiveGrant[]>;
  listClients(): Promise<ClientSummary[]>;
  listResourceServers(): Promise<ResourceServerSummary[]>;
  /** The live grant with this identity, read with a filtered list (never cached). */
  findGrant(key: GrantKey): Promise<LiveGrant | undefined>;
  createGrant(body: CreateGrantBody): Promise<LiveGrant>;
  /** Resolves on any 2xx: what the answer holds is not needed (apply verifies by reading the tenant again). */
  updateGrant(id: string, body: UpdateGrantBody): Promise<void>;
  /** Resolves also when the grant is already gone (Auth0 answers 204 either way). */
  deleteGrant(id: string): Promise<void>;
  /** What reads have cost so far, to choose how to re-read after an apply. */
  readProfile(): ReadProfile;

  // Organizations: their client-grant endpoints have their own, smaller rate limits.
  listOrganizations(): Promise<OrganizationSummary[]>;
  /** Ids of the grants associated with one organization. */
  listOrganizationGrants(organizationId: string): Promise<string[]>;
  /** Ids of the organizations one grant is associated with. */
  listGrantOrganizations(grantId: string): Promise<string[]>;
  /** Resolves also when the association already exists (409). */
  associateOrganization(organizationId: string, grantId: string): Promise<void>;
  /** Resolves also when the association is already gone. */
  dissociateOrganization(organizationId: string, grantId: string): Promise<void>;
}
