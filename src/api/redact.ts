// Keeps secrets out of every message: known secret values and anything shaped like a token.
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const SECRET_FIELD = /("?(?:client_secret|access_token|id_token|refresh_token|client_assertion)"?\s*[:=]\s*"?)[^"&\s,}]+/gi;

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a value that must never be printed (ignores short values that would mask ordinary text). */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 8) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('[REDACTED]');
    return out.replace(JWT, '[REDACTED]').replace(BEARER, '$1[REDACTED]').replace(SECRET_FIELD, '$1[REDACTED]');
  }
}
