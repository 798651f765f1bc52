// AUTH0_DOMAIN → the base URL to call. Plain http is for loopback emulators only.
import { InputError } from '../errors.js';
import { visible } from '../util/escape.js';

export interface Endpoint {
  /** e.g. https://acme.eu.auth0.com or http://127.0.0.1:4010, no trailing slash. */
  baseUrl: string;
  /** host[:port], what `tenant:` in grantsync.yaml is compared with. */
  host: string;
}

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])$/i;

/**
 * user:password@ before the host, with or without a scheme. Everything up to the last @ is masked:
 * a password may hold `/` or `@`, and masking too much in an error message costs nothing.
 */
const USERINFO = /^((?:[a-z][a-z0-9+.-]*:)?\/\/)?.*@/i;

/** AUTH0_DOMAIN as quoted in messages: credentials masked, control characters shown. */
function quoted(raw: string): string {
  return `"${visible(raw.replace(USERINFO, '$1[REDACTED]@'))}"`;
}

export function parseDomain(domain: string | undefined): Endpoint {
  const raw = (domain ?? '').trim();
  if (!raw) {
    throw new InputError([{ message: 'AUTH0_DOMAIN is not set', hint: 'Set it to your tenant host, e.g. AUTH0_DOMAIN=acme.eu.auth0.com.' }]);
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InputError([{ message: `AUTH0_DOMAIN ${quoted(raw)} is not a host name or URL`, hint: 'Use a host such as acme.eu.auth0.com.' }]);
  }
  if (url.protocol === 'http:') {
    if (!LOOPBACK.test(url.hostname)) {
      throw new InputError([
        {
          message: `AUTH0_DOMAIN ${quoted(raw)} uses plain http to a host that is not this machine`,
          hint: 'Use https (or just the host name); plain http is only allowed for a local emulator on 127.0.0.1 or localhost.',
        },
      ]);
    }
  } else if (url.protocol !== 'https:') {
    throw new InputError([{ message: `AUTH0_DOMAIN ${quoted(raw)} has an unsupported scheme ${url.protocol}`, hint: 'Use https.' }]);
  }
  if (url.username || url.password) {
    throw new InputError([
      { message: `AUTH0_DOMAIN ${quoted(raw)} holds credentials (user:password@)`, hint: 'Use just the host, e.g. acme.eu.auth0.com; credentials go in AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET.' },
    ]);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search) {
    throw new InputError([{ message: `AUTH0_DOMAIN ${quoted(raw)} must be a host, without path or query`, hint: 'Use e.g. acme.eu.auth0.com.' }]);
  }
  return { baseUrl: `${url.protocol}//${url.host}`, host: url.host };
}
