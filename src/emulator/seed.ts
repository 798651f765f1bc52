// The emulator's starting tenant, from a YAML or JSON seed file or an object.
import { parse } from 'yaml';
import { MANAGEMENT_API_SCOPES } from './mapi-scopes.js';

export interface SeedClient {
  client_id: string;
  name: string;
  app_type?: string;
  is_first_party?: boolean;
  global?: boolean;
  /** Clients with a secret can get Management API tokens (client credentials). */
  client_secret?: string;
  grant_types?: string[];
  /**
   * Private Key JWT credentials (Auth0: `client_authentication_methods.private_key_jwt.credentials`):
   * the client gets tokens with a client assertion signed by the matching private key.
   */
  public_keys?: PublicKeyCredential[];
}

/** A public key as PEM (SPKI) or a JWK, and the one algorithm assertions must use (default RS256). */
export interface PublicKeyCredential {
  alg?: 'RS256' | 'RS384' | 'PS256';
  pem?: string;
  jwk?: Record<string, unknown>;
}

export interface SeedResourceServer {
  id?: string;
  identifier: string;
  name?: string;
  scopes?: (string | { value: string; description?: string })[];
  is_system?: boolean;
  token_lifetime?: number;
  /**
   * The API's access policy per subject type (Auth0: `{"client":{"policy":"require_client_grant"},"user":{"policy":"allow_all"}}`
   * for a new API). Served only when seeded: an emulated API without it is one whose tenant does not say.
   */
  subject_type_authorization?: Record<string, { policy: string }>;
}

export interface SeedGrant {
  id?: string;
  client_id?: string;
  /** Convenience for hand-written seeds: a client name instead of its id. */
  client?: string;
  audience: string;
  scope?: string[];
  subject_type?: 'client' | 'user';
  organization_usage?: 'deny' | 'allow' | 'require';
  allow_any_organization?: boolean;
  allow_all_scopes?: boolean;
  is_system?: boolean;
  default_for?: string;
  authorization_details_types?: string[];
  /** Organizations (names or ids) the grant is associated with. */
  organizations?: string[];
  /** Keys a newer Auth0 may return (tests of unknown fields), stored and echoed as they are. */
  extra?: Record<string, unknown>;
}

export interface SeedOrganization {
  id?: string;
  name: string;
  display_name?: string;
}

export interface Seed {
  /** The canonical tenant domain: the Management API is https://<tenant>/api/v2/. */
  tenant: string;
  clients?: SeedClient[];
  resource_servers?: SeedResourceServer[];
  client_grants?: SeedGrant[];
  organizations?: SeedOrganization[];
}

export function parseSeed(text: string): Seed {
  const value = parse(text, { maxAliasCount: 1000 }) as unknown;
  if (typeof value !== 'object' || value === null || typeof (value as Seed).tenant !== 'string') {
    throw new Error('seed must be a mapping with at least `tenant: <domain>`');
  }
  return value as Seed;
}

export function managementApiIdentifier(tenant: string): string {
  return `https://${tenant}/api/v2/`;
}

export function managementApi(tenant: string): SeedResourceServer {
  return {
    identifier: managementApiIdentifier(tenant),
    name: 'Auth0 Management API',
    is_system: true,
    scopes: MANAGEMENT_API_SCOPES.map((value) => ({ value, description: value.replace(':', ' ') })),
  };
}
