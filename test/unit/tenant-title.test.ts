// The tenant's name next to its address: shown only when it says something, always escaped.
import { describe, expect, it } from 'vitest';
import { tenantNameOf } from '../../src/model/tenant.js';
import { toJsonPlan } from '../../src/plan/json.js';
import type { Plan } from '../../src/model/types.js';
import { tenantTitle } from '../../src/render/words.js';
import { codeSpan } from '../../src/util/escape.js';

const base: Plan = {
  tenant: '127.0.0.1:4010',
  fingerprint: 'sha256:x',
  digest: 'sha256:y',
  summary: { create: 0, update: 0, delete: 0, replace: 0, unchanged: 0, unmanaged: 0 },
  changes: [],
  unmanagedByReason: {},
};

describe('the tenant by name', () => {
  it('reads the name from the Management API audience, not from any other API', () => {
    const rs = (identifier: string, is_system?: true) => ({ identifier, scopes: [], ...(is_system ? { is_system } : {}) });
    expect(tenantNameOf({ clients: [], grants: [], resourceServers: [rs('https://api.example.com/x'), rs('https://acme.eu.auth0.com/api/v2/', true)] })).toBe('acme.eu.auth0.com');
    expect(tenantNameOf({ clients: [], grants: [], resourceServers: [rs('not a url', true)] })).toBeUndefined();
    expect(tenantNameOf({ clients: [], grants: [], resourceServers: [] })).toBeUndefined();
  });

  it('shows "name (at address)" only when they differ; the address alone otherwise', () => {
    expect(tenantTitle({ ...base, tenantName: 'demo.grantsync.local' })).toBe('demo.grantsync.local (at 127.0.0.1:4010)');
    expect(tenantTitle({ ...base, tenant: 'Acme.eu.auth0.com', tenantName: 'acme.eu.auth0.com' })).toBe('Acme.eu.auth0.com');
    expect(tenantTitle(base)).toBe('127.0.0.1:4010');
    expect(tenantTitle({ ...base, tenantName: 'a`b' }, codeSpan)).toBe('``a`b`` (at `127.0.0.1:4010`)');
  });

  it('json: `tenant` stays the address, `tenant_name` is the name or null', () => {
    expect(toJsonPlan({ ...base, tenantName: 'demo.grantsync.local' })).toMatchObject({ tenant: '127.0.0.1:4010', tenant_name: 'demo.grantsync.local' });
    expect(toJsonPlan(base)).toMatchObject({ tenant: '127.0.0.1:4010', tenant_name: null });
  });
});
