// The tenant a grants directory names must be the one AUTH0_DOMAIN points at. Checked before any
// credential leaves the machine: a plan loads only this (not the engine) before its first request.
import type { Endpoint } from '../api/domain.js';
import { InputError } from '../errors.js';
import type { DesiredState } from './load.js';

/** `tenant:` in grantsync.yaml must name the host we are about to call, before anything is read. */
export function checkTenant(state: DesiredState, endpoint: Endpoint): void {
  const tenant = state.settings.tenant;
  if (tenant !== undefined && tenant.toLowerCase() !== endpoint.host.toLowerCase()) {
    throw new InputError([
      {
        location: state.settings.locations.tenant,
        message: `this directory describes tenant ${tenant}, but AUTH0_DOMAIN points at ${endpoint.host}`,
        hint: 'Point AUTH0_DOMAIN at the right tenant, or use the grants directory written for this one.',
      },
    ]);
  }
}
