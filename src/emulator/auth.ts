// Tokens: the client-credentials endpoint (`POST /oauth/token`, by secret or Private Key JWT) and the Bearer check of every API request.
// A token's scopes are its client's grant to the Management API, as in Auth0.
import { createHmac, randomBytes } from 'node:crypto';
import { AssertionVerifier, assertionIssuer, CLIENT_ASSERTION_TYPE } from './client-assertion.js';
import type { Clock } from './clock.js';
import type { FaultInjector } from './faults.js';
import type { StatsRecorder } from './stats.js';
import { error, type Reply } from './reply.js';
import type { StoredClient, TenantStore } from './store.js';
import { parseJson, safeEqual } from './wire.js';

interface Claims {
  exp: number;
  scope: string;
  jti: string;
}

/** What a token request carries: the raw body, its content type and the Host it was sent to. */
export interface TokenRequest {
  body: string;
  contentType: string;
  host: string | undefined;
}

export type Authorization = { scopes: Set<string> } | { reply: Reply };

const EXPIRED = 'Expired token received for JSON Web Token validation';

const oauth = (status: number, code: string, description: string): Reply => ({ status, body: { error: code, error_description: description } });
const unauthorized = (message: string): Reply => ({ status: 401, body: { statusCode: 401, error: 'Unauthorized', message, attributes: { error: message } } });

export class TokenService {
  private readonly signingKey = randomBytes(32);
  private readonly assertions: AssertionVerifier;

  constructor(
    private readonly store: TenantStore,
    private readonly clock: Clock,
    private readonly faults: FaultInjector,
    private readonly stats: StatsRecorder,
    private readonly lifetimeSeconds: number,
  ) {
    this.assertions = new AssertionVerifier(clock);
  }

  /**
   * `POST /oauth/token` with grant_type client_credentials, JSON or form-encoded; the client
   * authenticates with its secret or with a Private Key JWT client assertion.
   */
  async issue(request: TokenRequest): Promise<Reply> {
    const params = tokenParams(request);
    if (params.grant_type !== 'client_credentials') {
      return oauth(400, 'unsupported_grant_type', `Unsupported grant type: ${String(params.grant_type)}`);
    }
    const client = await this.authenticate(params, request.host);
    if (!client) return oauth(401, 'access_denied', 'Unauthorized');
    if (!client.grant_types.includes('client_credentials')) {
      return { status: 403, body: { error: 'unauthorized_client', error_description: "Grant type 'client_credentials' not allowed for the client.", error_uri: 'https://auth0.com/docs/clients/client-grant-types' } };
    }
    const mapi = this.store.managementApiIdentifier;
    const audience = String(params.audience ?? '');
    if (![mapi, `https://${request.host}/api/v2/`, `http://${request.host}/api/v2/`].includes(audience)) return oauth(403, 'access_denied', `Service not found: ${audience}`);
    const grant = this.store.grantFor(client.client_id, mapi);
    if (!grant) {
      return oauth(403, 'access_denied', `Client is not authorized to access "${mapi}". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`);
    }
    const scope = (grant.scope ?? []).join(' ');
    this.stats.current.tokensIssued++;
    const now = Math.floor(this.clock.now() / 1000);
    const token = this.sign({
      iss: `https://${this.store.state.tenant}/`,
      sub: `${client.client_id}@clients`,
      aud: mapi,
      iat: now,
      exp: now + this.lifetimeSeconds,
      scope,
      gty: 'client-credentials',
      azp: client.client_id,
      jti: randomBytes(8).toString('hex'),
    });
    return { status: 200, body: { access_token: token, expires_in: this.lifetimeSeconds, scope, token_type: 'Bearer' } };
  }

  /**
   * The client a token request authenticates, by secret or by client assertion (never both). Every
   * refusal is Auth0's answer to a wrong secret; which check failed is not told.
   */
  private async authenticate(params: Record<string, unknown>, host: string | undefined): Promise<StoredClient | undefined> {
    const assertion = params.client_assertion;
    if (assertion === undefined) {
      const client = this.store.client(String(params.client_id ?? ''));
      return client?.client_secret && safeEqual(client.client_secret, String(params.client_secret ?? '')) ? client : undefined;
    }
    if (typeof assertion !== 'string' || params.client_assertion_type !== CLIENT_ASSERTION_TYPE || params.client_secret !== undefined) return undefined;
    const clientId = params.client_id === undefined ? assertionIssuer(assertion) : String(params.client_id);
    const client = clientId === undefined ? undefined : this.store.client(clientId);
    if (!client?.public_keys?.length) return undefined;
    // aud is the tenant's origin with a trailing slash: its canonical domain, or the host it was called on.
    const audiences = [`https://${this.store.state.tenant}/`, ...(host ? [`https://${host}/`, `http://${host}/`] : [])];
    return (await this.assertions.verify(assertion, client.client_id, client.public_keys, audiences)) ? client : undefined;
  }

  /** Checks the Bearer token of an API request against the scopes the route needs (any one of them). */
  authorize(header: string | undefined, needed: readonly string[]): Authorization {
    if (!header) return { reply: error(401, 'Missing authentication') };
    const match = /^Bearer (.+)$/i.exec(header);
    const claims = match ? this.verify(match[1]!) : undefined;
    if (!claims) return { reply: unauthorized('Invalid token') };
    if (claims.exp * 1000 <= this.clock.now()) return { reply: unauthorized(EXPIRED) };
    if (this.faults.tokenUsedUp(claims.jti)) return { reply: unauthorized(EXPIRED) };
    const scopes = new Set(claims.scope.split(' ').filter(Boolean));
    if (!needed.some((s) => scopes.has(s))) {
      return { reply: error(403, `Insufficient scope, expected any of: ${needed.join(',')}`, 'insufficient_scope') };
    }
    return { scopes };
  }

  private sign(claims: Record<string, unknown>): string {
    const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${head}.${payload}.${this.mac(`${head}.${payload}`)}`;
  }

  private verify(token: string): Claims | undefined {
    const [head, payload, signature] = token.split('.');
    if (!head || !payload || !signature) return undefined;
    if (!safeEqual(this.mac(`${head}.${payload}`), signature)) return undefined;
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
    } catch {
      return undefined;
    }
  }

  private mac(data: string): string {
    return createHmac('sha256', this.signingKey).update(data).digest('base64url');
  }
}

function tokenParams(request: TokenRequest): Record<string, unknown> {
  if (request.contentType.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(request.body));
  return (parseJson(request.body).value as Record<string, unknown> | undefined) ?? {};
}
