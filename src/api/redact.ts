// Keeps secrets out of every message: known secret values and anything shaped like a token.
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const SECRET_FIELD = /("?(?:client_secret|access_token|id_token|refresh_token|client_assertion)"?\s*[:=]\s*"?)[^"&\s,}]+/gi;
/** The user:password@ of a URL (e.g. an AUTH0_DOMAIN or a proxy URL quoted in an error). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a value that must never be printed (ignores short values that would mask ordinary text). */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 8) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('[REDACTED]');
    return out
      .replace(JWT, '[REDACTED]')
      .replace(BEARER, '$1[REDACTED]')
      .replace(SECRET_FIELD, '$1[REDACTED]')
      .replace(URL_USERINFO, '$1[REDACTED]@');
  }

  /**
   * A copy of a plain value (a plan, problems) with every string redacted. Renderers escape values
   * (markdown backslash-escapes `_` and `-`), after which a secret would no longer match: values
   * are redacted before rendering, and the rendered text again after.
   */
  redactValues<T>(value: T): T {
    const walk = (node: unknown): unknown => {
      if (typeof node === 'string') return this.redact(node);
      if (Array.isArray(node)) return node.map(walk);
      if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
      return node;
    };
    return walk(value) as T;
  }
}
