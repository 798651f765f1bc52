// Where the bearer token comes from: client credentials (cached, renewable) or a given token.
export interface TokenSource {
  /** A valid token, fetched when there is none. */
  get(): Promise<string>;
  /** Forget a token the API refused; returns false when a new one cannot be had. */
  invalidate(token: string): boolean;
  /** True when a newer token has already replaced this one (another request renewed it). */
  isReplaced(token: string): boolean;
  /** The client id grantsync runs as, when it can tell. */
  readonly clientId: string | undefined;
}

export class StaticToken implements TokenSource {
  readonly clientId: string | undefined;
  constructor(private readonly token: string) {
    this.clientId = azpOf(token);
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
}

/** Client-credentials tokens, cached until shortly before they expire; one fetch at a time. */
export class ClientCredentialsToken implements TokenSource {
  private current: { token: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    readonly clientId: string,
    private readonly fetchToken: () => Promise<FetchedToken>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    if (this.current && this.now() < this.current.expiresAt) return this.current.token;
    this.pending ??= this.fetchToken()
      .then(({ accessToken, expiresInSeconds }) => {
        // Renew a minute early (or at 90% of a short lifetime) so no request carries an expiring token.
        const margin = Math.min(60, expiresInSeconds * 0.1) * 1000;
        this.current = { token: accessToken, expiresAt: this.now() + expiresInSeconds * 1000 - margin };
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
}

/** The `azp` (authorized party) claim of a JWT access token, without verifying it. */
export function azpOf(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { azp?: unknown; sub?: unknown };
    if (typeof payload.azp === 'string') return payload.azp;
    // Client-credentials tokens carry "<client_id>@clients" as the subject.
    if (typeof payload.sub === 'string' && payload.sub.endsWith('@clients')) return payload.sub.slice(0, -'@clients'.length);
    return undefined;
  } catch {
    return undefined;
  }
}
