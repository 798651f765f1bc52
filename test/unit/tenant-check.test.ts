// The tenant a directory names against the one AUTH0_DOMAIN points at: checked before any credential
// leaves the machine (a plan loads only this module before its first request).
import { describe, expect, it } from 'vitest';
import { checkTenant } from '../../src/config/tenant-check.js';
import type { DesiredState } from '../../src/config/load.js';
import { InputError } from '../../src/errors.js';

const at = { file: 'grants/grantsync.yaml', line: 2, column: 9 };
const state = (tenant?: string): DesiredState =>
  ({ settings: { manage: 'all', ...(tenant === undefined ? {} : { tenant }), locations: { tenant: at } }, grants: [] }) as unknown as DesiredState;
const endpoint = { baseUrl: 'https://acme.eu.auth0.com', host: 'acme.eu.auth0.com' };

describe('checkTenant', () => {
  it.each([undefined, 'acme.eu.auth0.com', 'ACME.EU.Auth0.com'])('%s: passes (no pin, or the same host in any case)', (tenant) => {
    expect(() => checkTenant(state(tenant), endpoint)).not.toThrow();
  });

  it('stops on another tenant, at the `tenant:` line, naming both hosts', () => {
    let thrown: unknown;
    try {
      checkTenant(state('acme-staging.eu.auth0.com'), endpoint);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).problems).toEqual([
      {
        location: at,
        message: 'this directory describes tenant acme-staging.eu.auth0.com, but AUTH0_DOMAIN points at acme.eu.auth0.com',
        hint: 'Point AUTH0_DOMAIN at the right tenant, or use the grants directory written for this one.',
      },
    ]);
  });

  it('compares whole hosts, not a prefix or a suffix', () => {
    expect(() => checkTenant(state('acme.eu.auth0.co'), endpoint)).toThrow(InputError);
    expect(() => checkTenant(state('eu.auth0.com'), endpoint)).toThrow(InputError);
  });
});
