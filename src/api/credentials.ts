// Where the client's bearer token comes from: a token given as is, or client credentials (a client
// secret, or a Private Key JWT client assertion) exchanged at POST /oauth/token.
import type { Response } from 'got';
import type { Clock } from './clock.js';
import type { Endpoint } from './domain.js';
import { parseBody, shapeError } from './failures.js';
import type { Call } from './requests.js';
import type { Redactor } from './redact.js';
import { assertionAudience, clientAssertion, CLIENT_ASSERTION_TYPE, explainRefusedAssertion, type SigningKey } from './signing-key.js';
import { ClientCredentialsToken, StaticToken, type FetchedToken, type TokenSource } from './token.js';

export type Credentials =
  | { clientId: string; clientSecret: string; audience?: string }
  /** Private Key JWT: a client assertion signed with this key instead of a secret. */
  | { clientId: string; signingKey: SigningKey; audience?: string }
  | { accessToken: string };

type ClientCredentials = Exclude<Credentials, { accessToken: string }>;

interface TokenContext {
  endpoint: Endpoint;
  redactor: Redactor;
  clock: Clock;
  /** Sends a request (with the client's retries); token requests carry `tokenRequest: true`. */
  send: (call: Call) => Promise<Response<string>>;
}

/** The token source for these credentials; every secret it handles is added to the redactor first. */
export function tokenSource(credentials: Credentials, context: TokenContext): TokenSource {
  if ('accessToken' in credentials) {
    context.redactor.add(credentials.accessToken);
    return new StaticToken(credentials.accessToken);
  }
  const audience = credentials.audience ?? `https://${context.endpoint.host}/api/v2/`;
  const authenticate = clientAuthentication(credentials, context);
  const fetch = (): Promise<FetchedToken> => fetchToken(async () => ({ client_id: credentials.clientId, ...(await authenticate()), audience }), context);
  const signingKey = 'signingKey' in credentials ? credentials.signingKey : undefined;
  const fetchExplained = signingKey ? () => fetch().catch((error: unknown) => Promise.reject(explainRefusedAssertion(error, signingKey))) : fetch;
  return new ClientCredentialsToken(credentials.clientId, fetchExplained, context.clock.now);
}

/**
 * The fields that authenticate a token request: the client secret, or a fresh client assertion
 * (a new jti and lifetime for each request, since Auth0 accepts each assertion once).
 */
function clientAuthentication(credentials: ClientCredentials, { endpoint, redactor, clock }: TokenContext): () => Promise<Record<string, string>> {
  if ('clientSecret' in credentials) {
    redactor.add(credentials.clientSecret);
    return async () => ({ client_secret: credentials.clientSecret });
  }
  const { signingKey, clientId } = credentials;
  for (const secret of signingKey.secrets) redactor.add(secret);
  const audience = assertionAudience(endpoint.baseUrl);
  return async () => {
    const assertion = await clientAssertion(clientId, signingKey, audience, clock.now());
    redactor.add(assertion);
    return { client_assertion: assertion, client_assertion_type: CLIENT_ASSERTION_TYPE };
  };
}

async function fetchToken(fields: () => Promise<Record<string, string>>, { send, redactor }: TokenContext): Promise<FetchedToken> {
  const request = { method: 'POST', path: 'oauth/token' } as const;
  const res = await send({
    ...request,
    // Built again for each attempt: a retried request carries a fresh assertion.
    json: async () => ({ grant_type: 'client_credentials', ...(await fields()) }),
    tokenRequest: true,
  });
  const body = parseBody(res, request) as { access_token?: unknown; expires_in?: unknown; scope?: unknown };
  if (typeof body.access_token !== 'string') throw shapeError(request, 'no access_token in the answer');
  redactor.add(body.access_token);
  return {
    accessToken: body.access_token,
    expiresInSeconds: typeof body.expires_in === 'number' ? body.expires_in : 86_400,
    ...(typeof body.scope === 'string' ? { scope: body.scope } : {}),
  };
}
