// What a tenant calls itself. Pure.
import type { TenantSnapshot } from './types.js';

/**
 * The tenant's own name: the host of its Management API audience (`https://acme.eu.auth0.com/api/v2/`),
 * which stays the same whichever address (custom domain, emulator port) it is reached at.
 */
export function tenantNameOf(tenant: TenantSnapshot): string | undefined {
  for (const rs of tenant.resourceServers) {
    if (!rs.is_system) continue;
    try {
      const host = new URL(rs.identifier).host;
      if (host) return host;
    } catch {
      // Not a URL: no name to show.
    }
  }
  return undefined;
}
