// Where the bearer token comes from: client credentials (cached, renewable) or a given token.
export interface TokenSource {
  /** A valid token, fetched when there is none. */
  get(): Promise<string>;
  /** Whether a new token can be had after one is refused (not for a token given as is). */
  readonly renewable: boolean;
  /** Forget a token the API refused; returns false when a new one cannot be had. */
  invalidate(token: string): boolean;
  /** True when a newer token has already replaced this one (another request renewed it). */
  isReplaced(token: string): boolean;
  /** The client id grantsync runs as, when it can tell. */
  readonly clientId: string | undefined;
  /**
   * The scopes the current token was granted (the token endpoint's `scope` answer, else the JWT's
   * `scope` or `permissions` claim); undefined before the first get() or when they cannot be told.
   */
  readonly scopes: readonly string[] | undefined;
}

export class StaticToken implements TokenSource {
  readonly renewable = false;
  readonly clientId: string | undefined;
  readonly scopes: readonly string[] | undefined;
  constructor(private readonly token: string) {
    this.clientId = azpOf(token);
    this.scopes = scopesOf(token);
  }
  async get(): Promise<string> {
    return this.token;
  }
  invalidate(): boolean {
    return false;
  }
  isReplaced(): boolean {
    return false;
  }
}

export interface FetchedToken {
  accessToken: string;
  expiresInSeconds: number;
  /** The token endpoint's `scope` answer (space-separated), when it gave one. */
  scope?: string;
}

/** Client-credentials tokens, cached until shortly before they expire; one fetch at a time. */
export class ClientCredentialsToken implements TokenSource {
  readonly renewable = true;
  private current: { token: string; expiresAt: number; scopes: readonly string[] | undefined } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    readonly clientId: string,
    private readonly fetchToken: () => Promise<FetchedToken>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    if (this.current && this.now() < this.current.expiresAt) return this.current.token;
    this.pending ??= this.fetchToken()
      .then(({ accessToken, expiresInSeconds, scope }) => {
        // Renew a minute early (or at 90% of a short lifetime) so no request carries an expiring token.
        const margin = Math.min(60, expiresInSeconds * 0.1) * 1000;
        const scopes = typeof scope === 'string' ? splitScopes(scope) : scopesOf(accessToken);
        this.current = { token: accessToken, expiresAt: this.now() + expiresInSeconds * 1000 - margin, scopes };
        return accessToken;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  invalidate(token: string): boolean {
    if (this.current?.token === token) this.current = undefined;
    return true;
  }

  isReplaced(token: string): boolean {
    return this.current !== undefined && this.current.token !== token;
  }

  get scopes(): readonly string[] | undefined {
    return this.current?.scopes;
  }
}

/** The `azp` (authorized party) claim of a JWT access token, without verifying it. */
export function azpOf(token: string): string | undefined {
  const payload = jwtPayload(token);
  if (!payload) return undefined;
  if (typeof payload.azp === 'string') return payload.azp;
  // Client-credentials tokens carry "<client_id>@clients" as the subject.
  if (typeof payload.sub === 'string' && payload.sub.endsWith('@clients')) return payload.sub.slice(0, -'@clients'.length);
  return undefined;
}

/**
 * The scopes a JWT access token carries, without verifying it: Auth0 puts them in `scope`
 * (space-separated) and, with RBAC, in `permissions` (a list). Undefined for an opaque token.
 */
export function scopesOf(token: string): string[] | undefined {
  const payload = jwtPayload(token);
  if (!payload) return undefined;
  const scopes = new Set<string>();
  let found = false;
  if (typeof payload.scope === 'string') {
    found = true;
    for (const s of splitScopes(payload.scope)) scopes.add(s);
  }
  if (Array.isArray(payload.permissions)) {
    found = true;
    for (const s of payload.permissions) if (typeof s === 'string') scopes.add(s);
  }
  return found ? [...scopes].sort() : undefined;
}

function splitScopes(scope: string): string[] {
  return [...new Set(scope.split(/\s+/).filter(Boolean))].sort();
}

function jwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
