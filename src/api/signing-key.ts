// Private Key JWT: the application's private key, checked once at start-up, and
// the short-lived client assertion signed with it for each token request.
import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { ApiError, InputError } from '../errors.js';
import { quoted } from '../util/excerpt.js';

/** The algorithms Auth0 accepts for a public-key credential. */
export const SIGNING_ALGORITHMS = ['RS256', 'RS384', 'PS256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Auth0 accepts at most 5 minutes and recommends about one; an assertion is used once, at once. */
export const ASSERTION_LIFETIME_SECONDS = 60;
/** Auth0 and jose both refuse RSA keys under 2048 bits. */
const MIN_MODULUS_BITS = 2048;

export interface SigningKey {
  key: KeyObject;
  algorithm: SigningAlgorithm;
  /** Where the key came from (AUTH0_CLIENT_SIGNING_KEY_PATH), for messages; never the key itself. */
  source: string;
  /** Texts that must never be printed: the PEM as read, trimmed, each line of its body, and the body joined. */
  secrets: string[];
}

const KEY_HINT = 'AUTH0_CLIENT_SIGNING_KEY_PATH must name the unencrypted PEM private key (PKCS#8 "BEGIN PRIVATE KEY" or PKCS#1 "BEGIN RSA PRIVATE KEY") whose public key is registered on the application.';

/** The algorithm named by AUTH0_CLIENT_SIGNING_ALGORITHM (default RS256), or an InputError. */
export function parseSigningAlgorithm(raw: string | undefined): SigningAlgorithm {
  const value = raw?.trim() ?? '';
  if (value === '') return 'RS256';
  const found = SIGNING_ALGORITHMS.find((alg) => alg === value.toUpperCase());
  if (found) return found;
  throw new InputError([
    { message: `AUTH0_CLIENT_SIGNING_ALGORITHM ${quoted(value, 20)} is not supported`, hint: `Use ${SIGNING_ALGORITHMS.join(', ')} (the default is RS256): the algorithm of the application's public-key credential.` },
  ]);
}

/** Parses and checks a PEM private key for `algorithm`. Messages name `source`, never the key's text. */
export function parseSigningKey(pem: string, algorithm: SigningAlgorithm, source: string): SigningKey {
  const fail = (why: string, hint = KEY_HINT): never => {
    throw new InputError([{ message: `AUTH0_CLIENT_SIGNING_KEY_PATH ${quoted(source)} ${why}`, hint }]);
  };
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem)) fail('holds an encrypted private key');
  if (/-----BEGIN (?:RSA )?PUBLIC KEY-----|-----BEGIN CERTIFICATE-----/.test(pem) && !/-----BEGIN (?:RSA )?PRIVATE KEY-----/.test(pem)) {
    fail('holds a public key or a certificate, not the private key');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    // OpenSSL's reason is not shown: it says nothing the user can act on beyond "not a PEM private key".
    return fail('is not a PEM private key');
  }
  const type = key.asymmetricKeyType;
  // An RSA-PSS-only key (OID id-RSASSA-PSS) is refused by jose; a plain RSA key signs PS256 as well.
  if (type === 'rsa-pss') fail('holds an RSA-PSS-only key', 'Use a plain RSA key (openssl genrsa -out key.pem 2048): it signs RS256, RS384 and PS256 alike.');
  if (type !== 'rsa') fail(`holds an ${type ?? 'unknown'} key; ${algorithm} needs an RSA key`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_MODULUS_BITS) fail(`holds a ${bits}-bit RSA key; Auth0 needs at least ${MIN_MODULUS_BITS} bits`);
  return { key, algorithm, source, secrets: pemSecrets(pem) };
}

/** Every piece of a PEM text that could end up quoted somewhere: the whole, and each base64 line. */
function pemSecrets(pem: string): string[] {
  const body = pem
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('-----') && !line.includes(':'));
  return [...new Set([pem, pem.trim(), body.join(''), ...body])];
}

/**
 * A fresh client assertion: iss = sub = the client id, aud = the tenant's origin with a trailing
 * slash (`https://<tenant>/`), a random jti (Auth0 accepts each once) and a one-minute lifetime.
 */
export async function clientAssertion(clientId: string, signingKey: SigningKey, audience: string, nowMs: number): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  // Loaded here, not at start-up: only Private Key JWT runs sign, and jose's 47 modules cost every
  // other run about a tenth of a second before its first request.
  const { SignJWT } = await import('jose');
  return new SignJWT({})
    .setProtectedHeader({ alg: signingKey.algorithm, typ: 'JWT' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ASSERTION_LIFETIME_SECONDS)
    .setJti(randomUUID())
    .sign(signingKey.key);
}

/** The `aud` of an assertion for a tenant reached at `baseUrl`: its origin with a trailing slash. */
export function assertionAudience(baseUrl: string): string {
  return `${new URL(baseUrl).origin}/`;
}

/**
 * The token endpoint's 401 to a well-formed assertion means the tenant does not accept this key for
 * this client: the user's to fix, so an input error naming the settings (never the key).
 */
export function explainRefusedAssertion(error: unknown, signingKey: SigningKey): unknown {
  if (!(error instanceof ApiError) || error.status !== 401) return error;
  return new InputError(
    [
      {
        message: `the tenant refused the client assertion signed with AUTH0_CLIENT_SIGNING_KEY_PATH ${quoted(signingKey.source)} (${signingKey.algorithm}): POST /oauth/token → 401${error.errorCode ? ` ${quoted(error.errorCode, 40)}` : ''}`,
        hint: "Check that AUTH0_CLIENT_ID names the application, that its public-key credential is this key's public half, and that AUTH0_CLIENT_SIGNING_ALGORITHM equals the credential's algorithm.",
      },
    ],
    { cause: error },
  );
}
