// A request that got no answer, said the way a user can act on: what is wrong, and what to check.
// Node reports these as codes (ENOTFOUND, ECONNREFUSED, EPROTO, DEPTH_ZERO_SELF_SIGNED_CERT, …) with
// OpenSSL or getaddrinfo text; this turns the ones a wrong AUTH0_DOMAIN or a missing emulator
// causes into one line and a hint, and says which are worth retrying.

export interface NetworkProblem {
  message: string;
  hint?: string;
  /** Retrying cannot help (a name that does not exist, TLS to a plain-http server, an untrusted certificate). */
  permanent: boolean;
}

export interface NetworkContext {
  /** e.g. https://acme.eu.auth0.com or http://127.0.0.1:4010 */
  baseUrl: string;
  /** `POST /oauth/token` */
  request: string;
  /** The time-out of one attempt, in ms. */
  timeoutMs: number;
  /** Attempts made, this one included. */
  attempts: number;
  /** Whether this server has answered any request of the run. */
  answeredBefore: boolean;
}

/** Certificate errors a CA the machine does not know causes (NODE_EXTRA_CA_CERTS adds one). */
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
const OUT_OF_DATE = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** What OpenSSL says when the other side answered a TLS hello in plain text. */
const NOT_TLS = /wrong version number|packet length too long|http request|unknown protocol/i;
const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])$/i;

export function explainNetworkError(error: unknown, context: NetworkContext): NetworkProblem | undefined {
  const { code, message } = errorCodeOf(error);
  const url = new URL(context.baseUrl);
  const host = url.host;
  const local = LOOPBACK.test(url.hostname);
  const at = `${host} (${context.request})`;
  if (code === 'ENOTFOUND') {
    return {
      message: `cannot reach ${at}: there is no host named ${url.hostname} (DNS: ENOTFOUND)`,
      hint: 'Check AUTH0_DOMAIN: it must be your tenant\'s domain (e.g. acme.eu.auth0.com, under Settings in the Auth0 Dashboard), or http://127.0.0.1:<port> for the local emulator.',
      permanent: true,
    };
  }
  if (code === 'ECONNREFUSED') {
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return {
      message: `cannot reach ${at}: connection refused, nothing is listening on port ${port}${context.attempts > 1 ? ` (${context.attempts} attempts)` : ''}`,
      hint: local
        ? `Is the emulator running, and on port ${port}? Start it with \`grantsync emulator\` and set AUTH0_DOMAIN to the value it prints.`
        : 'Check AUTH0_DOMAIN (host and port), and any proxy or firewall between this machine and the tenant.',
      // A server that has answered before may be restarting; one that never did is not there.
      permanent: !context.answeredBefore,
    };
  }
  if (url.protocol === 'https:' && (code === 'EPROTO' || code.startsWith('ERR_SSL_')) && NOT_TLS.test(message)) {
    return {
      message: `cannot talk https to ${at}: the server answered in plain http, not TLS (${code})`,
      hint: local ? `For a local emulator use AUTH0_DOMAIN=http://${host}.` : 'Check AUTH0_DOMAIN: an Auth0 tenant speaks https on port 443; a port or proxy that speaks plain http is the wrong address.',
      permanent: true,
    };
  }
  if (UNTRUSTED.has(code)) {
    return {
      message: `cannot talk https to ${at}: its TLS certificate is not trusted by this machine (${code})`,
      hint: 'If a TLS-inspecting proxy or a local emulator signs with its own CA, set NODE_EXTRA_CA_CERTS to that CA\'s PEM file; grantsync never turns certificate checks off.',
      permanent: true,
    };
  }
  if (OUT_OF_DATE.has(code)) {
    return {
      message: `cannot talk https to ${at}: its TLS certificate is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not valid yet'} (${code})`,
      hint: "Check this machine's clock, and whether a proxy presents its own certificate.",
      permanent: true,
    };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return {
      message: `cannot talk https to ${at}: its TLS certificate is for another host name (${code})`,
      hint: 'Check AUTH0_DOMAIN: use the domain the certificate names (your tenant\'s or its custom domain).',
      permanent: true,
    };
  }
  if (code === 'ETIMEDOUT') {
    const seconds = Number((context.timeoutMs / 1000).toFixed(1));
    return {
      message: `no answer from ${at} within ${seconds} s${context.attempts > 1 ? `, on each of ${context.attempts} attempts` : ''} (ETIMEDOUT)`,
      hint: `Check the network, proxy or firewall between this machine and ${host}; to wait longer for each request, set GRANTSYNC_TIMEOUT_MS (now ${context.timeoutMs}).`,
      permanent: false,
    };
  }
  return undefined;
}

function errorCodeOf(error: unknown): { code: string; message: string } {
  const err = error as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } } | undefined;
  const code = typeof err?.code === 'string' ? err.code : typeof err?.cause?.code === 'string' ? err.cause.code : 'ERROR';
  const message = [err?.message, err?.cause?.message].filter((m): m is string => typeof m === 'string').join(' ');
  return { code, message };
}
