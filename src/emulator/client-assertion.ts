// Private Key JWT at the token endpoint: a client assertion verified with jose
// against the public keys registered on the client. Each jti is accepted once until it expires.
import { decodeJwt, importJWK, importSPKI, jwtVerify, type JWK } from 'jose';
import type { Clock } from './clock.js';
import type { PublicKeyCredential } from './seed.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Auth0 accepts assertions that live at most 5 minutes. */
const MAX_LIFETIME_SECONDS = 300;

/** The client id an assertion claims to come from (its `iss`), without verifying it. */
export function assertionIssuer(assertion: string): string | undefined {
  try {
    const { iss } = decodeJwt(assertion);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

export class AssertionVerifier {
  /** Accepted jtis (per client) and when their assertions expire (epoch ms). */
  private readonly seen = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /**
   * True when `assertion` is signed by one of `keys` with the credential's algorithm, names
   * `clientId` as iss and sub and one of `audiences` as aud, has not expired, lives at most
   * 5 minutes, and carries a jti not seen before; the jti is then remembered until it expires.
   */
  async verify(assertion: string, clientId: string, keys: readonly PublicKeyCredential[], audiences: string[]): Promise<boolean> {
    const now = this.clock.now();
    for (const credential of keys) {
      const alg = credential.alg ?? 'RS256';
      let payload;
      try {
        const key = credential.pem !== undefined ? await importSPKI(credential.pem, alg) : await importJWK(credential.jwk as JWK, alg);
        ({ payload } = await jwtVerify(assertion, key, {
          algorithms: [alg],
          issuer: clientId,
          subject: clientId,
          audience: audiences,
          currentDate: new Date(now),
          requiredClaims: ['exp', 'jti'],
        }));
      } catch {
        continue;
      }
      const exp = payload.exp! * 1000;
      const issuedAt = typeof payload.iat === 'number' ? payload.iat * 1000 : now;
      if (exp - Math.min(issuedAt, now) > MAX_LIFETIME_SECONDS * 1000) return false;
      return this.firstUse(`${clientId}\u0000${String(payload.jti)}`, exp, now);
    }
    return false;
  }

  /** Checks and records in one synchronous step, so two concurrent requests cannot both pass. */
  private firstUse(key: string, expiresAt: number, now: number): boolean {
    for (const [k, until] of this.seen) if (until <= now) this.seen.delete(k);
    if (this.seen.has(key)) return false;
    this.seen.set(key, expiresAt);
    return true;
  }
}
