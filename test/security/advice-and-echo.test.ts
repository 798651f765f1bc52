// Issue 16 item 13: the lock-out refusal gives advice that works with an opaque token, and an
// AUTH0_DOMAIN holding user:password@ is refused without echoing the password.
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/api/redact.js';
import { checkGuards } from '../../src/engine.js';
import type { Change } from '../../src/model/types.js';
import { runCli } from '../helpers/cli.js';

const MAPI = 'https://acme.eu.auth0.com/api/v2/';

describe('advice when grantsync cannot tell which client it runs as', () => {
  it('names what works with an opaque AUTH0_ACCESS_TOKEN: client credentials, or a JWT whose azp names the client', () => {
    const shrink: Change = {
      action: 'update', client_id: 'c', audience: MAPI, subject_type: 'client', before: { scope: ['read:logs', 'read:users'] }, after: { scope: ['read:logs'] }, flags: [],
    };
    let message = '';
    try {
      checkGuards([shrink], { maxDeletes: 10, ownClientKnown: false, systemAudiences: new Set([MAPI]) });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('cannot tell which client it runs as');
    // AUTH0_CLIENT_ID alone is ignored next to a token: the advice must not suggest it on its own.
    expect(message).not.toMatch(/Set AUTH0_CLIENT_ID\b/);
    expect(message).toContain('log in with client credentials instead (AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET, without AUTH0_ACCESS_TOKEN)');
    expect(message).toContain('a JWT whose azp claim names the client');
  });
});

describe('AUTH0_DOMAIN with credentials', () => {
  const PASSWORD = 'hunter2-is-my-password';
  for (const domain of [
    `https://admin:${PASSWORD}@acme.eu.auth0.com`,
    `admin:${PASSWORD}@acme.eu.auth0.com`,
    `https://admin:${PASSWORD}@acme.eu.auth0.com/api/v2/`,
    // Not a valid URL (the password holds a slash): refused as such, still without the password.
    `https://admin:${PASSWORD}/x@acme.eu.auth0.com`,
    `http://admin:${PASSWORD}@evil.example.com`,
  ]) {
    it(`refuses ${domain.replace(PASSWORD, '…')} and never echoes the password`, async () => {
      const result = await runCli(['plan', '--dir', 'grants'], { env: { AUTH0_DOMAIN: domain, AUTH0_CLIENT_ID: 'x', AUTH0_CLIENT_SECRET: 'y'.repeat(16) } });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/error: AUTH0_DOMAIN "(\w+:\/\/)?\[REDACTED\]@/);
      expect(result.stdout + result.stderr).not.toContain(PASSWORD);
      expect(result.stdout + result.stderr).not.toContain('admin');
    });
  }

  it('the redactor masks user:password@ in any URL a message quotes', () => {
    const redactor = new Redactor();
    expect(redactor.redact(`connect ECONNREFUSED https://admin:${PASSWORD}@proxy.example:8080/x`)).toBe('connect ECONNREFUSED https://[REDACTED]@proxy.example:8080/x');
  });
});
