// AUTH0_DOMAIN → the base URL to call. Plain http is for loopback emulators only.
import { InputError } from '../errors.js';

export interface Endpoint {
  /** e.g. https://acme.eu.auth0.com or http://127.0.0.1:4010, no trailing slash. */
  baseUrl: string;
  /** host[:port], what `tenant:` in grantsync.yaml is compared with. */
  host: string;
}

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])$/i;

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
    throw new InputError([{ message: `AUTH0_DOMAIN "${raw}" is not a host name or URL`, hint: 'Use a host such as acme.eu.auth0.com.' }]);
  }
  if (url.protocol === 'http:') {
    if (!LOOPBACK.test(url.hostname)) {
      throw new InputError([
        {
          message: `AUTH0_DOMAIN "${raw}" uses plain http to a host that is not this machine`,
          hint: 'Use https (or just the host name); plain http is only allowed for a local emulator on 127.0.0.1 or localhost.',
        },
      ]);
    }
  } else if (url.protocol !== 'https:') {
    throw new InputError([{ message: `AUTH0_DOMAIN "${raw}" has an unsupported scheme ${url.protocol}`, hint: 'Use https.' }]);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.username || url.password) {
    throw new InputError([{ message: `AUTH0_DOMAIN "${raw}" must be a host, without path, query or credentials`, hint: 'Use e.g. acme.eu.auth0.com.' }]);
  }
  return { baseUrl: `${url.protocol}//${url.host}`, host: url.host };
}
